package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	stdsync "sync"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture/audit"
	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/packet"
	"github.com/enrolld/enrolld/sync/synctest"
)

// TestEnrollSealsAuditWithPacket enrolls while other desk actions are audited concurrently:
// every packet carries exactly the chain head before its own "committed" entry (Enroll builds
// the packet again when the chain moved on meanwhile), and the chain stays one unbroken line.
func TestEnrollSealsAuditWithPacket(t *testing.T) {
	ctx := context.Background()
	env := synctest.New(t, nil)
	opt := env.StationOptions(t, t.TempDir(), "")
	opt.CentreURL = "" // offline: the packets stay in the outbox to be opened here
	st, err := stsync.Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	stop := make(chan struct{})
	var wg stdsync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := st.Store().AppendAudit(audit.Entry{Time: time.Now(), Actor: fmt.Sprintf("officer-%d", g), Role: "officer", Action: "finger-accepted"}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	ids := map[string]bool{}
	for i := 0; i < 6; i++ {
		id, err := st.Enroll(ctx, stsync.Enrollment{OperatorID: "olga", Parts: []packet.Part{{ContentType: "text/plain", Data: []byte("tx")}},
			Audit: []audit.Entry{{Time: time.Now(), Actor: "olga", Role: "officer", Action: "committed", Case: "202611200001"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	close(stop)
	wg.Wait()
	head, n, err := st.Store().VerifyAudit()
	if err != nil {
		t.Fatalf("chain: %v", err)
	}
	seen := 0
	err = st.Store().WalkAudit(func(audit.Head) error { return nil }, func(e *audit.Entry) error {
		if e.Action != "committed" {
			return nil
		}
		seen++
		if !ids[e.Packet] {
			return fmt.Errorf("committed entry %d for unknown packet %q", e.Seq, e.Packet)
		}
		q, err := st.Store().Get(e.Packet)
		if err != nil {
			return err
		}
		sealed, err := st.Store().Sealed(q)
		if err != nil {
			return err
		}
		p, err := packet.Open(sealed, env.CentreKeys.Identity)
		if err != nil {
			return err
		}
		var carried audit.Head
		if len(p.Parts) != 2 || p.Parts[1].ContentType != stsync.AuditHeadType || json.Unmarshal(p.Parts[1].Data, &carried) != nil {
			return fmt.Errorf("packet %s parts %+v", e.Packet, p.Parts)
		}
		if want := (audit.Head{Seq: e.Seq - 1, Hash: e.Prev}); carried != want {
			return fmt.Errorf("packet %s carries head %v, its committed entry follows %v", e.Packet, carried, want)
		}
		return nil
	})
	if err != nil || seen != len(ids) {
		t.Fatalf("%d committed entries for %d packets: %v", seen, len(ids), err)
	}
	t.Logf("%d packets among %d audit entries (head %v)", len(ids), n, head)
}
