// Command stationdriver is the station process of the crash harness: it opens a real Station
// (outbox, uploader, purger) and enrolls packets in a loop, each with a "committed" desk audit
// entry, printing "ACK <id>" on stdout after each Enroll returns (the moment the enrollment is
// acknowledged to the operator); meanwhile it appends other desk audit entries, printing
// "AUDIT <seq>" after each append returns. The harness
// kills it with SIGKILL at random moments. With -drain it enrolls nothing, waits until the queue
// is empty, prints "DRAINED" and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/enrolld/enrolld/capture/audit"
	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/synctest"
)

func main() {
	stationDir := flag.String("station-dir", "", "station credentials directory")
	data := flag.String("data", "", "outbox data directory")
	centre := flag.String("centre", "", "centre host:port")
	size := flag.Int("size", 20<<10, "payload bytes per packet")
	interval := flag.Duration("interval", 2*time.Millisecond, "pause between enrollments")
	drain := flag.Bool("drain", false, "enroll nothing; exit once the queue is empty")
	flag.Parse()
	opt, err := synctest.Options(*stationDir, *data, *centre)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	opt.Retention = -1 // purge as soon as acknowledged: exercises purge under SIGKILL
	opt.PurgeEvery = 20 * time.Millisecond
	opt.Concurrency = 3
	opt.Limits.MaxUnsent = 1 << 30
	st, err := stsync.Open(opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(1)
	}
	if *drain {
		for {
			s, err := st.Store().Stats()
			if err == nil && s.Unsent == 0 {
				st.Close(context.Background())
				fmt.Println("DRAINED")
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	go func() {
		for {
			es, err := st.Store().AppendAudit(audit.Entry{Time: time.Now(), Actor: "op-2", Role: "officer", Action: "sign-in"})
			if err != nil {
				fmt.Fprintln(os.Stderr, "audit:", err)
				os.Exit(1)
			}
			fmt.Fprintf(os.Stdout, "AUDIT %d\n", es[0].Seq)
			time.Sleep(*interval)
		}
	}()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	buf := make([]byte, *size)
	for {
		for i := range buf {
			buf[i] = byte(rng.Uint32())
		}
		id, err := st.Enroll(context.Background(), stsync.Enrollment{OperatorID: "op-1", CaptureTimes: []time.Time{time.Now()},
			Parts: []packet.Part{{ContentType: "image/jpeg", Data: append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), buf...)},
				{ContentType: "application/x-iso19794-2", Data: central.SyntheticFMR(rng, 1)}},
			Audit: []audit.Entry{{Time: time.Now(), Actor: "op-1", Role: "officer", Action: "committed"}}})
		if err != nil {
			fmt.Fprintln(os.Stderr, "enroll:", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stdout, "ACK %s\n", id)
		time.Sleep(*interval)
	}
}
