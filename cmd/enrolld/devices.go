package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/usb"
)

// devices is the subsystem that owns the capture devices: it initialises what the
// configuration names through the driver registry, tries devices that are not
// loaded again every retryInterval (a scanner plugged in after start comes up on
// its own), and applies a new device list on SIGHUP.
type devices struct {
	log           *slog.Logger
	manager       *drivers.Manager
	specs         []drivers.Spec
	retryInterval time.Duration

	cancel context.CancelFunc // ends the retry loop
	done   sync.WaitGroup
}

func newDevices(cfg *config, m *drivers.Manager, log *slog.Logger, retry time.Duration) *devices {
	return &devices{log: log, manager: m, specs: cfg.Devices.specs(), retryInterval: retry}
}

func (d *devices) Name() string { return "devices" }

// Start initialises every configured device and starts the retry loop. Devices
// that fail are reported, not fatal: the daemon runs with what it has.
func (d *devices) Start(ctx context.Context) error {
	d.logChanges(d.manager.Apply(ctx, d.specs), false)
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.cancel = cancel
	if d.retryInterval > 0 {
		d.done.Go(func() { d.retryLoop(loopCtx) })
	}
	return nil
}

// Stop ends the retry loop and halts every device.
func (d *devices) Stop(ctx context.Context) error {
	if d.cancel != nil {
		d.cancel()
		d.done.Wait()
	}
	return d.manager.Close()
}

// Reload applies the new device list.
func (d *devices) Reload(ctx context.Context, cfg *config) ([]string, error) {
	d.specs = cfg.Devices.specs()
	d.logChanges(d.manager.Apply(ctx, d.specs), true)
	return []string{"devices"}, nil
}

func (d *devices) retryLoop(ctx context.Context) {
	t := time.NewTicker(d.retryInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, c := range d.manager.Retry(ctx) {
				if c.Action == "retried" && c.Status.State == drivers.StateLoaded {
					d.log.Info("device came up", deviceAttrs(c.Status)...)
				}
			}
		}
	}
}

// logChanges logs what Apply did: every device on start, and on reload what changed.
func (d *devices) logChanges(changes []drivers.Change, reload bool) {
	for _, c := range changes {
		if reload && c.Action == "kept" {
			continue
		}
		attrs := append([]any{"action", c.Action}, deviceAttrs(c.Status)...)
		switch c.Status.State {
		case drivers.StateFailed:
			d.log.Error("device failed", attrs...)
		case drivers.StateSkipped:
			d.log.Warn("device skipped", attrs...)
		default:
			d.log.Info("device "+string(c.Status.State), attrs...)
		}
	}
}

// deviceAttrs are the log attributes of a device (never any person data).
func deviceAttrs(s drivers.DeviceStatus) []any {
	attrs := []any{"device", s.Name, "driver", s.Driver, "kind", s.Kind, "state", s.State, "emulated", s.Emulated}
	if s.Reason != "" {
		attrs = append(attrs, "reason", s.Reason)
	}
	if s.Info != nil {
		attrs = append(attrs, "model", s.Info.Model)
	}
	return attrs
}

// specs turns the validated device list into the manager's specs.
func (l deviceList) specs() []drivers.Spec {
	out := make([]drivers.Spec, 0, len(l))
	for _, d := range l {
		s := drivers.Spec{Name: d.Name, Driver: d.Driver, Port: d.Port, Emulate: d.Emulate, Options: d.Options}
		if d.USB != "" {
			s.USB, _ = usb.ParseID(d.USB) // validated
		}
		out = append(out, s)
	}
	return out
}
