package usb

import "testing"

// FuzzParseID feeds arbitrary text to the VID:PID parser (ids come from configuration
// files and bundle manifests). Nothing may panic, and an accepted id must print in the
// canonical form and parse back to itself.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"05ba:000a", "FFFF:0000", "05ba:00a", "05ba-000a", "", "05ba:000a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			if id != (ID{}) {
				t.Fatalf("failed parse of %q returned %v", s, id)
			}
			return
		}
		back, err := ParseID(id.String())
		if err != nil || back != id {
			t.Fatalf("%q parses to %v, which does not round-trip: %v", s, id, err)
		}
		var u ID
		if err := u.UnmarshalText([]byte(s)); err != nil || u != id {
			t.Fatalf("UnmarshalText(%q) = %v, %v; ParseID gave %v", s, u, err, id)
		}
	})
}

// BenchmarkParseDescriptors measures parsing a device's raw configuration descriptors,
// done on every enumeration and hot-plug event.
func BenchmarkParseDescriptors(b *testing.B) {
	sample := sampleDesc()
	raw := sample.MarshalDescriptors()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var d DeviceDesc
		if err := d.ParseDescriptors(raw); err != nil {
			b.Fatal(err)
		}
	}
}
