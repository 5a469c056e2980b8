package sync_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/internal/synctest"
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
