package usbtest

import "testing"

// OpenPlayback reads the transcript at path and returns a Playback of it whose
// Close is checked when the test ends: a transfer the driver did not make fails
// the test.
func OpenPlayback(t testing.TB, path string) *Playback {
	t.Helper()
	tr, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pb := NewPlayback(tr)
	t.Cleanup(func() {
		if err := pb.Close(); err != nil {
			t.Errorf("playback of %s: %v", path, err)
		}
	})
	return pb
}
