package sync_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/internal/faultproxy"
	"github.com/enrolld/enrolld/sync/synctest"
)

// TestNetworkFaults uploads through a proxy that cuts connections mid-upload, partitions,
// drops and delays; once the link returns the queue drains with every packet stored exactly once.
func TestNetworkFaults(t *testing.T) {
	env := synctest.New(t, nil)
	px, err := faultproxy.New(env.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	px.CutAfter = 40 << 10
	px.SetMode(faultproxy.Cut)
	opt := env.StationOptions(t, t.TempDir(), px.Addr())
	opt.Timeout = 2 * time.Second
	opt.Concurrency = 3
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	rng := rand.New(rand.NewPCG(9, 9))
	var ids []string
	enroll := func(n, size int) {
		for i := 0; i < n; i++ {
			id, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: biometricParts(rng, size)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
	}
	enroll(10, 100<<10) // larger than CutAfter: every upload is cut mid-body
	waitFor(t, "cuts", 10*time.Second, func() bool { return px.Cuts.Load() >= 3 })
	if n := len(env.Centre.Records()); n != 0 {
		t.Fatalf("%d packets got through a proxy that cuts every upload", n)
	}
	px.SetMode(faultproxy.Partition)
	enroll(5, 10<<10)
	time.Sleep(500 * time.Millisecond)
	px.SetMode(faultproxy.Drop)
	enroll(5, 10<<10)
	time.Sleep(300 * time.Millisecond)
	px.Latency = 20 * time.Millisecond
	px.SetMode(faultproxy.Delay)
	enroll(5, 10<<10)
	time.Sleep(500 * time.Millisecond)
	px.SetMode(faultproxy.Pass)
	st.Kick()
	waitFor(t, "queue to drain", 30*time.Second, func() bool { return unsent(t, st) == 0 })
	checkCentre(t, env.Centre, ids)
	if len(env.Centre.Records()) != len(ids) || env.Centre.Conflicts() != 0 {
		t.Fatalf("centre holds %d packets (want %d), %d conflicts", len(env.Centre.Records()), len(ids), env.Centre.Conflicts())
	}
}
