// Package sync is the station's store-and-forward layer: every finished enrollment becomes an
// immutable, signed packet sealed to the centre (package packet), waits in an encrypted Badger
// outbox (package outbox) until the centre's signed receipt is stored, and is uploaded over
// mutual TLS (package link) by a small pool of workers with exponential backoff and jitter. The
// other way, the station pulls signed batches of register-slice changes and applies them to its
// local store and to the matcher's gallery (GallerySink).
//
// The outbox also keeps the desk's hash-chained audit log (Store().AppendAudit): an
// Enrollment's Audit entries are sealed into it in the transaction that commits the packet,
// and the packet carries the chain head just before them (AuditHeadType), so the head travels
// to the centre with each enrollment.
//
// A Station works offline. It refuses new enrollments, with a reason in the API and in the
// metrics, in the manner of the MOSIP registration client: when too many packets are unsent,
// when the oldest unsent packet is too old, when free disk space is below the reserve, or when
// storage has failed.
//
// Typical wiring (cmd/enrolld):
//
//	st, err := sync.Open(sync.Options{...})
//	id, err := st.Enroll(ctx, sync.Enrollment{OperatorID: op, Parts: parts})
//	reg.MustRegister(st.Collector())
//	defer st.Close(ctx)
package sync

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	stdsync "sync"
	"sync/atomic"
	"time"

	"filippo.io/age"

	"github.com/enrolld/enrolld/capture/audit"
	"github.com/enrolld/enrolld/sync/link"
	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/packet"
)

// Options configure a Station. Zero values take the defaults noted.
type Options struct {
	StationID  string             // required: the common name of the station's certificate
	SigningKey ed25519.PrivateKey // required: the station's key (also its TLS key)
	Recipient  age.Recipient      // required: the centre's age recipient packets are sealed to
	Outbox     outbox.Options     // required: Dir and Key

	CentreURL string            // https://host:port; empty runs offline (queue only)
	TLS       *tls.Config       // client certificate + pinned CA (pki.ClientTLS)
	CentreKey ed25519.PublicKey // verifies receipts and slice batches
	Transport http.RoundTripper // optional transport override (tests)
	Timeout   time.Duration     // per request to the centre, default 60 s

	Concurrency int           // parallel uploads, default 2
	BackoffBase time.Duration // first retry delay, default 1 s
	BackoffMax  time.Duration // retry delay cap, default 5 min
	Retention   time.Duration // keep acknowledged packets this long before purging, default 72 h
	PurgeEvery  time.Duration // default 10 min

	Limits Limits // offline limits

	SlicePoll  time.Duration // register-slice poll interval when up to date, default 5 min; <0 disables
	SliceBatch int           // persons per slice request, default 200
	Gallery    GallerySink   // receives slice changes; nil keeps them in the local store only
	// AwaitRestore makes the slice puller wait until RestoreGallery has returned once, so a
	// gallery restored from a snapshot sees no batch before it is in place.
	AwaitRestore bool

	Logger *slog.Logger
}

// Enrollment is what the daemon hands over when an enrollment is finished.
type Enrollment struct {
	OperatorID   string
	CaptureTimes []time.Time
	Parts        []packet.Part // e.g. the ANSI/NIST-ITL transaction

	// Audit are the desk's audit entries for the commit (usually one, "committed"). They are
	// sealed into the station's audit chain in the transaction that commits the packet, each
	// recording the packet id, so the enrollment exists if and only if they do. The packet then
	// carries the chain head just before them as an extra part of type AuditHeadType: the
	// centre learns the chain up to that point, and a station whose chain was cut off below a
	// head it sent is caught. Without Audit the packet carries no head.
	Audit []audit.Entry
}

// AuditHeadType is the content type of the packet part that carries the station's audit chain
// head ({"seq":…,"hash":…}, an audit.Head) just before the enrollment's own audit entries.
const AuditHeadType = "application/vnd.enrolld.audit-head+json"

// Station is the open store-and-forward layer of one station.
type Station struct {
	opt     Options
	store   *outbox.Store
	client  *link.Client
	log     *slog.Logger
	metrics *metrics

	enrollMu stdsync.Mutex // one packet built at a time: the chain needs it
	kick     chan struct{}
	stop     chan struct{}
	wg       stdsync.WaitGroup
	closeMu  stdsync.Once
	lastSize atomic.Int64 // size of the last sealed packet: the headroom the disk check asks for

	pullMu   stdsync.Mutex // one slice pull at a time
	sliceMu  stdsync.Mutex // held while a slice batch is applied, and while the gallery is saved or restored
	restored chan struct{} // closed when RestoreGallery has returned (or at once without AwaitRestore)
	restore  stdsync.Once
}

// ErrRefused reports an enrollment refused by an offline limit; the error names the reason.
var ErrRefused = errors.New("sync: enrollment refused")

func (o *Options) setDefaults() error {
	if o.StationID == "" || len(o.SigningKey) != ed25519.PrivateKeySize || o.Recipient == nil {
		return errors.New("sync: StationID, SigningKey and Recipient are required")
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 2
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 5 * time.Minute
	}
	if o.Retention == 0 {
		o.Retention = 72 * time.Hour
	}
	if o.PurgeEvery <= 0 {
		o.PurgeEvery = 10 * time.Minute
	}
	if o.SlicePoll == 0 {
		o.SlicePoll = 5 * time.Minute
	}
	if o.SliceBatch <= 0 {
		o.SliceBatch = 200
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Outbox.Logger == nil {
		o.Outbox.Logger = o.Logger
	}
	o.Limits.setDefaults()
	return nil
}

// Open opens the outbox, and when a centre is configured starts the uploader, the purger and
// the slice puller.
func Open(opt Options) (*Station, error) {
	if err := opt.setDefaults(); err != nil {
		return nil, err
	}
	st := &Station{opt: opt, log: opt.Logger, kick: make(chan struct{}, 1), stop: make(chan struct{}), metrics: newMetrics(),
		restored: make(chan struct{})}
	if !opt.AwaitRestore {
		st.restore.Do(func() { close(st.restored) })
	}
	if opt.CentreURL != "" {
		c, err := link.New(link.Options{BaseURL: opt.CentreURL, TLS: opt.TLS, CentreKey: opt.CentreKey,
			StationID: opt.StationID, Transport: opt.Transport, Timeout: opt.Timeout})
		if err != nil {
			return nil, err
		}
		st.client = c
	}
	s, err := outbox.Open(opt.Outbox)
	if err != nil {
		return nil, err
	}
	st.store = s
	st.metrics.station = st
	st.wg.Add(1)
	go st.purgeLoop()
	if st.client != nil {
		st.wg.Add(1)
		go st.uploadLoop()
		if opt.SlicePoll > 0 {
			st.wg.Add(1)
			go st.sliceLoop()
		}
	}
	return st, nil
}

// Close stops the background work (waiting for in-flight uploads up to ctx) and closes the store.
func (st *Station) Close(ctx context.Context) error {
	var err error
	st.closeMu.Do(func() {
		close(st.stop)
		done := make(chan struct{})
		go func() { st.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			err = fmt.Errorf("sync: close: %w", ctx.Err())
		}
		if st.client != nil {
			st.client.CloseIdle()
		}
		if cerr := st.store.Close(); err == nil {
			err = cerr
		}
	})
	return err
}

// Store returns the outbox (for the queue API and the CLI).
func (st *Station) Store() *outbox.Store { return st.store }

// Failed is closed when storage has failed (fail-stop); the daemon should exit non-zero.
func (st *Station) Failed() <-chan struct{} { return st.store.Failed() }

// Kick wakes the uploader (after Retry, say).
func (st *Station) Kick() {
	select {
	case st.kick <- struct{}{}:
	default:
	}
}

// Enroll builds, signs and seals the packet of one finished enrollment and commits it with its
// audit entries and queue entry in one transaction. When it returns an id, the enrollment is on
// disk and will reach the centre exactly once to effect.
func (st *Station) Enroll(ctx context.Context, e Enrollment) (string, error) {
	if r := st.Refusal(); r.Refused() {
		st.metrics.enrollments.WithLabelValues("refused").Inc()
		return "", fmt.Errorf("%w: %s", ErrRefused, r)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	st.enrollMu.Lock()
	defer st.enrollMu.Unlock()
	id, err := st.enrollLocked(e)
	if err != nil {
		st.metrics.enrollments.WithLabelValues("error").Inc()
		if errors.Is(err, outbox.ErrLowSpace) {
			return "", fmt.Errorf("%w: %v", ErrRefused, err)
		}
		return "", err
	}
	st.metrics.enrollments.WithLabelValues("committed").Inc()
	st.Kick()
	return id, nil
}

func (st *Station) enrollLocked(e Enrollment) (string, error) {
	if len(e.Audit) == 0 {
		oe, err := st.buildPacket(e, e.Parts)
		if err != nil {
			return "", err
		}
		return oe.ID, st.store.Commit(oe)
	}
	var id string
	err := st.store.CommitAudited(func(head audit.Head) (outbox.Enrollment, error) {
		h, _ := json.Marshal(head) // two plain fields never fail
		oe, err := st.buildPacket(e, append(e.Parts[:len(e.Parts):len(e.Parts)], packet.Part{ContentType: AuditHeadType, Data: h}))
		id = oe.ID
		return oe, err
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// buildPacket builds, signs and seals the packet of e with parts, as the outbox commits it.
func (st *Station) buildPacket(e Enrollment, parts []packet.Part) (outbox.Enrollment, error) {
	counter, prev, err := st.store.Chain()
	if err != nil {
		return outbox.Enrollment{}, err
	}
	m := packet.Manifest{StationID: st.opt.StationID, OperatorID: e.OperatorID, Created: time.Now().UTC(),
		CaptureTimes: e.CaptureTimes, Counter: counter + 1, PrevHash: prev}
	p, err := packet.Build(m, parts, st.opt.SigningKey)
	if err != nil {
		return outbox.Enrollment{}, err
	}
	var sealed sealedBuf
	if err := packet.Seal(&sealed, p, st.opt.Recipient); err != nil {
		return outbox.Enrollment{}, err
	}
	st.lastSize.Store(int64(len(sealed.b)))
	signed := append(p.Manifest.Encode(), p.Signature...)
	return outbox.Enrollment{ID: p.Manifest.ID, ContentHash: p.Manifest.ContentHash, Counter: m.Counter,
		ChainHash: p.Hash(), Manifest: signed, Sealed: sealed.b, Operator: e.OperatorID, Audit: e.Audit}, nil
}

type sealedBuf struct{ b []byte }

func (s *sealedBuf) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }
