package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	stsync "github.com/enrolld/enrolld/sync"
)

// syncConfig is the sync section: the station's credentials (made by
// `enrollctl keys init`), the centre, and the offline limits.
type syncConfig struct {
	// Credentials is the station directory: station key and certificate, the centre's
	// CA, signing key and age recipient, and the outbox key. Empty disables sync (the
	// station then cannot finish enrollments).
	Credentials string `yaml:"credentials"`
	// CentreURL is https://host:port of the central system; empty keeps packets queued.
	CentreURL string `yaml:"centre_url"`
	// MaxUnsent refuses new enrollments when this many packets wait (default 1000).
	MaxUnsent int `yaml:"max_unsent"`
	// MaxUnsentAge refuses new enrollments when the oldest unsent packet is older
	// (default 168h, a week).
	MaxUnsentAge time.Duration `yaml:"max_unsent_age"`
	// Retention keeps acknowledged packets this long before purging them (default 72h).
	Retention time.Duration `yaml:"retention"`
	// PurgeEvery is how often acknowledged packets past their retention are purged
	// (default 10m).
	PurgeEvery time.Duration `yaml:"purge_every"`
	// IngestTokenFile, if set, enables POST /api/v1/enrollments for capture front-ends
	// that finish enrollments themselves; callers present the file's token.
	IngestTokenFile string `yaml:"ingest_token_file"`
}

func (s syncConfig) validate(p *problems) {
	if s.Credentials == "" {
		if s.CentreURL != "" {
			p.addf("sync.credentials", "is required when sync.centre_url is set: run `enrollctl keys init`")
		}
		return
	}
	if s.CentreURL != "" {
		if u, err := url.Parse(s.CentreURL); err != nil || u.Scheme != "https" || u.Host == "" {
			p.addf("sync.centre_url", "%q must be https://host:port", s.CentreURL)
		}
	}
	if s.MaxUnsent < 0 || s.MaxUnsentAge < 0 || s.Retention < 0 || s.PurgeEvery < 0 {
		p.addf("sync", "max_unsent, max_unsent_age, retention and purge_every cannot be negative")
	}
}

// syncSubsystem runs the store-and-forward station: the encrypted outbox, the
// uploader and the register-slice puller.
type syncSubsystem struct {
	cfg     syncConfig
	dataDir string
	log     *slog.Logger
	reg     prometheus.Registerer
	gallery stsync.GallerySink
	// awaitRestore holds slice pulls until the gallery subsystem has restored the gallery.
	awaitRestore bool
	// station is set once the outbox is open; HTTP serves before that.
	station atomic.Pointer[stsync.Station]
	token   string // set before station, read after it
	// onFatal is told when the outbox's storage fails: Badger keeps its directory
	// lock after a fail-stop, so only a restart of the process recovers.
	onFatal func(error)
}

func newSync(cfg syncConfig, storage string, reg prometheus.Registerer, log *slog.Logger) *syncSubsystem {
	return &syncSubsystem{cfg: cfg, dataDir: filepath.Join(storage, "outbox"), log: log, reg: reg}
}

func (s *syncSubsystem) Name() string { return "sync" }

// Start opens the outbox and starts uploading.
func (s *syncSubsystem) Start(ctx context.Context) error {
	opt, err := stsync.OptionsFromDir(s.cfg.Credentials, s.dataDir, s.cfg.CentreURL)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	opt.Limits = stsync.Limits{MaxUnsent: s.cfg.MaxUnsent, MaxUnsentAge: s.cfg.MaxUnsentAge}
	opt.Retention, opt.PurgeEvery, opt.Logger, opt.Gallery = s.cfg.Retention, s.cfg.PurgeEvery, s.log, s.gallery
	opt.AwaitRestore = s.awaitRestore
	if s.cfg.IngestTokenFile != "" {
		b, err := os.ReadFile(s.cfg.IngestTokenFile)
		if err != nil {
			return fmt.Errorf("sync: ingest token: %w", err)
		}
		if s.token = strings.TrimSpace(string(b)); len(s.token) < 16 {
			return fmt.Errorf("sync: ingest token in %s is shorter than 16 characters", s.cfg.IngestTokenFile)
		}
	}
	st, err := stsync.Open(opt)
	if err != nil {
		return err
	}
	if err := s.reg.Register(st.Collector()); err != nil {
		st.Close(ctx)
		return err
	}
	s.station.Store(st)
	go func() {
		<-st.Failed()
		if s.onFatal != nil {
			s.onFatal(fmt.Errorf("sync: outbox storage failed; restart enrolld once the disk is healthy"))
		}
	}()
	s.log.Info("outbox open", "station", opt.StationID, "centre", s.cfg.CentreURL, "refusal", st.Refusal().String())
	return nil
}

// Stop drains uploads and closes the outbox.
func (s *syncSubsystem) Stop(ctx context.Context) error {
	st := s.station.Load()
	if st == nil {
		return nil
	}
	s.reg.Unregister(st.Collector())
	return st.Close(ctx)
}
