package sync_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/synctest"
)

// mountTmpfs mounts a small tmpfs for the test, or skips when that is not possible here.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tmpfs")
	os.Mkdir(dir, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// TestDiskFull fills an 8 MiB tmpfs: enrollments are refused with the disk-space reason before
// Badger runs out of room, and every enrollment already committed survives a reopen.
func TestDiskFull(t *testing.T) {
	mnt := mountTmpfs(t, "8m")
	env := synctest.New(t, nil)
	opt := env.StationOptions(t, filepath.Join(mnt, "data"), "")
	opt.CentreURL = ""
	opt.Outbox.MemTableSize = 1 << 20
	opt.Outbox.ValueLogFileSize = 1 << 20
	opt.Outbox.ReserveFree = 3 << 20
	opt.Outbox.BallastSize = 1 << 20
	opt.Limits.MaxUnsent = 1 << 20
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	var ids []string
	for i := 0; ; i++ {
		id, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rng, 150<<10)})
		if errors.Is(err, stsync.ErrRefused) {
			t.Logf("refused after %d enrollments: %v", len(ids), err)
			break
		}
		if err != nil {
			t.Fatalf("enrollment %d failed other than by refusal: %v", i, err)
		}
		ids = append(ids, id)
		if i > 100 {
			t.Fatal("an 8 MiB disk never filled")
		}
	}
	if r := st.Refusal(); r.Reason != stsync.ReasonDiskSpace {
		t.Fatalf("refusal %v, want disk space", r)
	}
	if len(ids) < 5 {
		t.Fatalf("only %d enrollments fit", len(ids))
	}
	if err := st.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Eat most of what is left, as another process might: reopening must still work (the
	// ballast is released) and nothing queued is lost.
	filler := filepath.Join(mnt, "filler")
	exec.Command("dd", "if=/dev/zero", "of="+filler, "bs=64k", "count=1000").Run()
	st, err = stsync.Open(opt)
	if err != nil {
		t.Fatalf("reopen on a full disk: %v", err)
	}
	defer st.Close(context.Background())
	if _, err := os.Stat(filepath.Join(opt.Outbox.Dir, "ballast")); err == nil {
		t.Error("ballast still in place on a full disk")
	}
	for _, id := range ids {
		e := mustGet(t, st, id)
		if _, err := st.Store().Sealed(e); err != nil {
			t.Errorf("queued packet %s lost: %v", id, err)
		}
	}
	if _, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rng, 10)}); !errors.Is(err, stsync.ErrRefused) {
		t.Fatalf("enrollment on a full disk: %v", err)
	}
}

// mountFreezable mounts a small ext4 loop file system that the test can freeze (fsfreeze), which
// makes every write to it hang the way a failing disk does; it skips when that is impossible.
func mountFreezable(t *testing.T) (dir string, freeze, thaw func()) {
	t.Helper()
	for _, tool := range []string{"mkfs.ext4", "fsfreeze", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	img := filepath.Join(t.TempDir(), "fs.img")
	dir = filepath.Join(t.TempDir(), "mnt")
	os.Mkdir(dir, 0o700)
	if err := exec.Command("truncate", "-s", "64M", img).Run(); err != nil {
		t.Skip(err)
	}
	if out, err := exec.Command("mkfs.ext4", "-q", img).CombinedOutput(); err != nil {
		t.Skipf("mkfs.ext4: %v %s", err, out)
	}
	if out, err := exec.Command("mount", "-o", "loop", img, dir).CombinedOutput(); err != nil {
		t.Skipf("cannot loop-mount here (needs root): %v %s", err, out)
	}
	var frozen bool
	thaw = func() {
		if frozen {
			exec.Command("fsfreeze", "-u", dir).Run()
			frozen = false
		}
	}
	freeze = func() {
		if out, err := exec.Command("fsfreeze", "-f", dir).CombinedOutput(); err != nil {
			t.Fatalf("fsfreeze: %v %s", err, out)
		}
		frozen = true
	}
	t.Cleanup(func() {
		thaw()
		time.Sleep(100 * time.Millisecond) // let abandoned writes finish before unmounting
		exec.Command("umount", "-l", dir).Run()
	})
	return dir, freeze, thaw
}

// TestStorageHangFailsStop freezes the file system under a running station: the next
// enrollment's write hangs, the I/O deadline fails the store, enrollments are refused with the
// storage reason, Failed() closes, and Close returns instead of hanging.
func TestStorageHangFailsStop(t *testing.T) {
	mnt, freeze, thaw := mountFreezable(t)
	defer thaw()
	env := synctest.New(t, nil)
	opt := env.StationOptions(t, filepath.Join(mnt, "data"), "")
	opt.CentreURL = ""
	opt.Outbox.IODeadline = 2 * time.Second
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 8))
	id, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rng, 1000)})
	if err != nil {
		t.Fatal(err)
	}
	freeze()
	start := time.Now()
	if _, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rng, 1000)}); !errors.Is(err, outbox.ErrFailed) {
		t.Fatalf("enrollment on a hung disk: %v", err)
	}
	t.Logf("fail-stop after %v", time.Since(start).Round(time.Millisecond))
	select {
	case <-st.Failed():
	default:
		t.Fatal("Failed() not closed")
	}
	if r := st.Refusal(); r.Reason != stsync.ReasonStorage {
		t.Fatalf("refusal %v", r)
	}
	done := make(chan error, 1)
	go func() { done <- st.Close(context.Background()) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung on a hung disk")
	}
	// The daemon now exits (its Badger lock dies with it); the first enrollment's sealed file is
	// on disk. (Reopening is proven by the crash harness; in this process the lock is still held.)
	thaw()
	if _, err := os.Stat(filepath.Join(opt.Outbox.Dir, "blobs", id+".age")); err != nil {
		t.Fatal(err)
	}
}
