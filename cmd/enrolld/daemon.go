package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/enrolld/enrolld/cmd/internal/desk"
	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/devmetrics"
	"github.com/enrolld/enrolld/drivers/usb"
)

// daemonOptions are what run hands the daemon.
type daemonOptions struct {
	config *config
	flags  *flags
	logger *slog.Logger
	level  *slog.LevelVar
	env    func(string) string
	// registry holds the drivers; nil means drivers.Default.
	registry *drivers.Registry
	// usbBus is the bus real USB devices are found on; nil means none.
	usbBus usb.Bus
	// retryInterval is how often devices that are not loaded are tried again.
	retryInterval time.Duration
	// usbWatchInterval is how often the USB bus is enumerated for hot-plug.
	usbWatchInterval time.Duration
	// listen opens the HTTP listener; nil means net.Listen.
	listen func(network, address string) (net.Listener, error)
	// announce is the terminal: one-time secrets such as the demo desk passwords are
	// written there, never to the logs. nil drops them.
	announce io.Writer
}

// daemon is the running station: the HTTP server and the subsystems it starts in
// order (storage, devices, and later sync, matcher, desk).
type daemon struct {
	opts    daemonOptions
	log     *slog.Logger
	notify  *notifier
	build   buildInfo
	started time.Time
	metrics *daemonMetrics
	mux     *http.ServeMux
	server  *http.Server
	// apiMethods maps each API path to the methods it has routes for.
	apiMethods map[string][]string

	// capturing counts captures in progress; firmware updates wait for zero.
	capturing atomic.Int32

	sync *syncSubsystem // nil when sync is not configured
	desk *deskSubsystem // nil when the desk is not configured
	// fatal receives errors after which the daemon must stop (fail-stop storage);
	// enrolld then exits 1 and systemd restarts it.
	fatal      chan error
	storage    *storage
	manager    *drivers.Manager
	subsystems []subsystem

	// notReadyReason is empty when ready; otherwise why not.
	notReadyReason atomic.Pointer[string]

	mu            sync.Mutex
	cfg           *config // the configuration in force
	lastReload    time.Time
	lastReloadErr string
}

// newDaemon wires the daemon from a validated configuration; nothing runs yet.
func newDaemon(opts daemonOptions) (*daemon, error) {
	if opts.registry == nil {
		opts.registry = drivers.Default
	}
	if opts.listen == nil {
		opts.listen = net.Listen
	}
	if opts.env == nil {
		opts.env = func(string) string { return "" }
	}
	d := &daemon{
		opts:       opts,
		log:        opts.logger,
		notify:     newNotifier(opts.env),
		build:      currentBuild(),
		started:    time.Now(),
		mux:        http.NewServeMux(),
		apiMethods: map[string][]string{},
		cfg:        opts.config,
		fatal:      make(chan error, 1),
	}
	d.setNotReady("starting")
	d.metrics = newDaemonMetrics(d.build, func() bool { return d.notReady() == "" })
	m, err := drivers.NewManager(drivers.ManagerOptions{
		Registry: opts.registry, Bus: opts.usbBus, Registerer: d.metrics.registry,
	})
	if err != nil {
		return nil, err
	}
	d.manager = m
	if d.storage, err = newStorage(opts.config.Storage.Path, d.log); err != nil {
		return nil, err
	}
	d.subsystems = []subsystem{
		d.storage,
		newDevices(opts.config, m, d.log, devicesOptions{metrics: devmetrics.New(d.metrics.registry),
			retryInterval: opts.retryInterval, bus: opts.usbBus, watchInterval: opts.usbWatchInterval,
		}),
	}
	fw, err := newFirmware(opts.config.Firmware, firmwareDir(opts.config.Storage.Path), opts.usbBus,
		func() bool { return d.capturing.Load() > 0 }, d.metrics.registry, d.log)
	if err != nil {
		return nil, err
	}
	d.subsystems = append(d.subsystems, fw)
	d.routes()
	d.firmwareRoutes(fw)
	if opts.config.Sync.Credentials != "" {
		d.sync = newSync(opts.config.Sync, opts.config.Storage.Path, d.metrics.registry, d.log)
		d.sync.onFatal = d.failStop
		gal := newGallery(opts.config.Gallery, d.sync, d.metrics.registry, d.log)
		gal.notify = d.notify
		d.subsystems = append(d.subsystems, d.sync, gal)
		d.syncRoutes(d.sync)
		if opts.config.Desk.enabled() {
			dk := &deskSubsystem{cfg: desk.Config(opts.config.Desk), manager: m,
				sync: d.sync, gallery: gal, reg: d.metrics.registry, log: d.log, announce: opts.announce, busy: &d.capturing}
			d.subsystems = append(d.subsystems, dk)
			d.handle("/desk/", dk)
			d.handle("/api/v1/desk/", dk)
			d.desk = dk
		}
	} else if opts.config.Desk.enabled() {
		return nil, errors.New("desk: the desk needs the sync section (its enrollments go to the outbox)")
	}
	d.server = &http.Server{
		Handler:           d.mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(d.log.Handler(), slog.LevelWarn),
	}
	return d, nil
}

func (d *daemon) setNotReady(reason string) { d.notReadyReason.Store(&reason) }

// notReady returns why the daemon is not ready, or "" when it is.
func (d *daemon) notReady() string {
	if p := d.notReadyReason.Load(); p != nil {
		return *p
	}
	return ""
}

// run listens, starts the subsystems, reports readiness, then serves until ctx ends
// or a stop signal arrives, reloading on SIGHUP; it then stops within the
// shutdown timeout.
func (d *daemon) run(ctx context.Context, sigs <-chan os.Signal) error {
	addr := d.cfg.Web.ListenAddress
	ln, err := d.opts.listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- d.server.Serve(ln) }()
	url := "http://" + ln.Addr().String() + "/"
	d.log.Info("enrolld starting", "version", d.build.Version, "station", d.cfg.Station.ID, "url", url)

	startCtx, cancelStart := context.WithCancel(ctx)
	defer cancelStart()
	starting := make(chan startResult, 1)
	go func() {
		started, err := d.startSubsystems(startCtx)
		starting <- startResult{started, err}
	}()
	return d.loop(ctx, sigs, serveErr, starting, cancelStart, url)
}

// startResult is what startSubsystems returns, sent to the loop.
type startResult struct {
	started []subsystem
	err     error
}

// startSubsystems starts each subsystem in order and returns those that started.
func (d *daemon) startSubsystems(ctx context.Context) ([]subsystem, error) {
	var started []subsystem
	for _, s := range d.subsystems {
		d.setNotReady("starting " + s.Name())
		if err := s.Start(ctx); err != nil {
			return started, fmt.Errorf("starting %s: %w", s.Name(), err)
		}
		if ctx.Err() != nil {
			return append(started, s), fmt.Errorf("start-up cancelled: %w", ctx.Err())
		}
		started = append(started, s)
	}
	return started, nil
}

// loop waits for start-up to finish, for signals, the watchdog timer and server
// failure. A stop signal during start-up cancels it and stops what had started.
func (d *daemon) loop(ctx context.Context, sigs <-chan os.Signal, serveErr <-chan error,
	starting <-chan startResult, cancelStart context.CancelFunc, url string) error {
	var watchdog <-chan time.Time
	if iv := watchdogInterval(d.opts.env, os.Getpid()); iv > 0 && d.notify != nil {
		t := time.NewTicker(iv)
		defer t.Stop()
		watchdog = t.C
		d.notify.send("WATCHDOG=1")
	}
	var started []subsystem
	isStarting := true
	shutdown := func(cause error) error {
		if isStarting {
			cancelStart()
			r := <-starting
			started = r.started
			if r.err != nil {
				d.log.Info("start-up interrupted", "err", r.err)
			}
		}
		return errors.Join(cause, d.stop(started))
	}
	for {
		select {
		case r := <-starting:
			isStarting, started = false, r.started
			if r.err != nil {
				d.stop(started)
				return r.err
			}
			d.notReadyReason.Store(nil)
			d.notify.send("READY=1", d.statusLine())
			d.log.Info("enrolld ready", "url", url)
		case <-ctx.Done():
			return shutdown(nil)
		case err := <-serveErr:
			return shutdown(fmt.Errorf("HTTP server: %w", err))
		case err := <-d.fatal:
			d.log.Error("stopping on a fatal error", "err", err)
			return shutdown(err)
		case <-watchdog:
			// Sent from this loop, so a stuck loop stops the pings and systemd restarts us.
			d.notify.send("WATCHDOG=1")
		case sig := <-sigs:
			if sig == syscall.SIGHUP && isStarting {
				d.log.Warn("SIGHUP ignored: enrolld is still starting; send it again once ready")
				continue
			}
			if sig == syscall.SIGHUP {
				d.reload(ctx)
				continue
			}
			d.log.Info("stopping", "signal", sig.String())
			return shutdown(nil)
		}
	}
}

// stop drains HTTP and stops the started subsystems in reverse order, all within
// the shutdown timeout. It returns an error when the deadline passed.
func (d *daemon) stop(started []subsystem) error {
	d.setNotReady("stopping")
	d.notify.send("STOPPING=1")
	timeout := d.opts.flags.shutdownTimeout
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	if err := d.server.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("draining HTTP: %w", err))
		d.server.Close()
	}
	for i := len(started) - 1; i >= 0; i-- {
		s := started[i]
		done := make(chan error, 1)
		go func() { done <- s.Stop(ctx) }()
		select {
		case err := <-done:
			if err != nil {
				errs = append(errs, fmt.Errorf("stopping %s: %w", s.Name(), err))
			}
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("stopping %s: did not finish within %s", s.Name(), timeout))
		}
	}
	err := errors.Join(errs...)
	if err == nil {
		d.log.Info("enrolld stopped")
	}
	return err
}

// statusLine is the STATUS= line systemctl status shows.
func (d *daemon) statusLine() string {
	n := map[drivers.State]int{}
	for _, s := range d.manager.Devices() {
		n[s.State]++
	}
	return fmt.Sprintf("STATUS=%d devices loaded, %d skipped, %d failed",
		n[drivers.StateLoaded], n[drivers.StateSkipped], n[drivers.StateFailed])
}

// failStop asks the loop to stop the daemon because of err (first error wins).
func (d *daemon) failStop(err error) {
	select {
	case d.fatal <- err:
	default:
	}
}
