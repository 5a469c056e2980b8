package sync_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/synctest"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// fillQueue enrolls n packets of size bytes on an offline station and closes it.
func fillQueue(b *testing.B, env *synctest.Env, dir string, n, size int) {
	b.Helper()
	opt := env.StationOptions(b, dir, "")
	opt.CentreURL = ""
	opt.Limits.MaxUnsent = n + 1
	opt.Outbox.MemTableSize = 16 << 20
	st, err := stsync.Open(opt)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	for i := 0; i < n; i++ {
		data[0], data[1], data[2] = byte(i), byte(i>>8), byte(i>>16)
		if _, err := st.Enroll(context.Background(), stsync.Enrollment{Parts: []packet.Part{{ContentType: "application/octet-stream", Data: data}}}); err != nil {
			b.Fatal(err)
		}
	}
	st.Close(context.Background())
}

// drain opens the station against the centre and returns how long the queue took to empty.
func drain(b *testing.B, env *synctest.Env, dir string, concurrency int) time.Duration {
	b.Helper()
	opt := env.StationOptions(b, dir, "")
	opt.Concurrency = concurrency
	opt.Limits.MaxUnsent = 1 << 30
	opt.Outbox.MemTableSize = 16 << 20
	start := time.Now()
	st, err := stsync.Open(opt)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close(context.Background())
	for {
		s, err := st.Store().Stats()
		if err != nil {
			b.Fatal(err)
		}
		if s.Unsent == 0 {
			return time.Since(start)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// BenchmarkUpload1MB measures upload throughput over loopback mutual TLS with 1 MB packets
// (ENROLLD_BENCH_PACKETS per round, default 50; ENROLLD_BENCH_CONCURRENCY, default 2).
func BenchmarkUpload1MB(b *testing.B) {
	n := envInt("ENROLLD_BENCH_PACKETS", 50)
	conc := envInt("ENROLLD_BENCH_CONCURRENCY", 2)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		env := synctest.New(b, nil)
		dir := b.TempDir()
		fillQueue(b, env, dir, n, 1<<20)
		b.StartTimer()
		total += drain(b, env, dir, conc)
	}
	secs := total.Seconds()
	b.ReportMetric(float64(n*b.N)/secs, "packets/s")
	b.ReportMetric(float64(n*b.N)*float64(1<<20)/1e6/secs, "MB/s")
}

// BenchmarkDrain10k measures how long a queue of ENROLLD_BENCH_QUEUE (default 10 000) packets
// of 8 KiB takes to drain to the centre over loopback.
func BenchmarkDrain10k(b *testing.B) {
	n := envInt("ENROLLD_BENCH_QUEUE", 10000)
	conc := envInt("ENROLLD_BENCH_CONCURRENCY", 2)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		env := synctest.New(b, nil)
		dir := b.TempDir()
		start := time.Now()
		fillQueue(b, env, dir, n, 8<<10)
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "enrollments/s")
		b.StartTimer()
		d := drain(b, env, dir, conc)
		b.ReportMetric(d.Seconds(), "drain_s")
		b.ReportMetric(float64(n)/d.Seconds(), "packets/s")
	}
}

type countingGallery struct{ n int }

func (g *countingGallery) Upsert(string, map[int][]byte) error { g.n++; return nil }
func (g *countingGallery) Delete(string) error                 { g.n++; return nil }

// BenchmarkSliceApply measures register-slice pulls: ENROLLD_BENCH_PERSONS (default 20 000)
// ten-finger synthetic persons fetched, verified and applied to the store and a gallery sink.
func BenchmarkSliceApply(b *testing.B) {
	n := envInt("ENROLLD_BENCH_PERSONS", 20000)
	slice := central.SyntheticSlice(n, 10, 1)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		env := synctest.New(b, slice)
		opt := env.StationOptions(b, b.TempDir(), "")
		g := &countingGallery{}
		opt.Gallery = g
		opt.Outbox.MemTableSize = 64 << 20
		opt.SliceBatch = 500
		st, err := stsync.Open(opt)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		for more := true; more; {
			if more, err = st.PullSlice(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		d := time.Since(start)
		b.StopTimer()
		if g.n != n {
			b.Fatalf("applied %d of %d persons", g.n, n)
		}
		b.ReportMetric(float64(n)/d.Seconds(), "persons/s")
		st.Close(context.Background())
	}
}
