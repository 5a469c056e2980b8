package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/enrolld/enrolld/drivers"
	"github.com/enrolld/enrolld/drivers/devmetrics"
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
	bus           usb.Bus       // nil when this build has no USB access
	watchInterval time.Duration // how often the bus is enumerated for hot-plug
	metrics       *devmetrics.Metrics

	loopCtx  context.Context
	cancel   context.CancelFunc // ends the retry and watch loops
	watching bool
	done     sync.WaitGroup
}

// devicesOptions configure the devices subsystem.
type devicesOptions struct {
	metrics       *devmetrics.Metrics
	retryInterval time.Duration
	bus           usb.Bus
	watchInterval time.Duration
}

func newDevices(cfg *config, m *drivers.Manager, log *slog.Logger, o devicesOptions) *devices {
	return &devices{log: log, manager: m, specs: cfg.Devices.specs(), metrics: o.metrics,
		retryInterval: o.retryInterval, bus: o.bus, watchInterval: o.watchInterval}
}

func (d *devices) Name() string { return "devices" }

// Start initialises every configured device and starts the retry loop. Devices
// that fail are reported, not fatal: the daemon runs with what it has.
func (d *devices) Start(ctx context.Context) error {
	d.logChanges(d.manager.Apply(ctx, d.specs), false)
	d.loopCtx, d.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if d.retryInterval > 0 {
		d.done.Go(func() { d.retryLoop(d.loopCtx) })
	}
	d.maybeWatch()
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
	d.maybeWatch()
	return []string{"devices"}, nil
}

// maybeWatch starts watching the USB bus for arrivals and departures once a real
// USB device is configured (never for emulated-only stations, which then never
// initialise libusb).
func (d *devices) maybeWatch() {
	if d.bus == nil || d.watching || d.loopCtx == nil || !d.manager.WantsUSB() {
		return
	}
	d.watching = true
	d.done.Go(func() { d.watch(d.loopCtx) })
}

// watch applies USB hot-plug events: a scanner plugged in comes up within one
// watch interval, and one unplugged is marked lost at once.
func (d *devices) watch(ctx context.Context) {
	warned := false
	events := usb.Watch(ctx, d.bus, &usb.WatchOptions{
		Interval: d.watchInterval,
		OnError: func(err error) {
			if !warned {
				d.log.Warn("cannot enumerate USB devices; will keep trying", "err", err)
				warned = true
				return
			}
			d.log.Debug("cannot enumerate USB devices", "err", err)
		},
	})
	for ev := range events {
		changes := d.manager.HandleUSBEvent(ctx, ev)
		d.instrument(changes)
		for _, c := range changes {
			switch {
			case c.Action == "lost":
				d.log.Warn("device lost", deviceAttrs(c.Status)...)
			case c.Status.State == drivers.StateLoaded:
				d.log.Info("device came up", deviceAttrs(c.Status)...)
			}
		}
	}
}

func (d *devices) retryLoop(ctx context.Context) {
	t := time.NewTicker(d.retryInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			changes := d.manager.Retry(ctx)
			d.instrument(changes)
			for _, c := range changes {
				if c.Action == "retried" && c.Status.State == drivers.StateLoaded {
					d.log.Info("device came up", deviceAttrs(c.Status)...)
				}
			}
		}
	}
}

// logChanges logs what Apply did: every device on start, and on reload what changed.
func (d *devices) logChanges(changes []drivers.Change, reload bool) {
	d.instrument(changes)
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

// instrument attaches the device metrics (captures, live view, I/O errors) to every
// device that has just been loaded: drivers opened through the registry only get
// string options, so metrics come in after opening, before first use.
func (d *devices) instrument(changes []drivers.Change) {
	if d.metrics == nil {
		return
	}
	for _, c := range changes {
		if c.Status.State != drivers.StateLoaded || c.Action == "kept" {
			continue
		}
		if dev, ok := d.manager.Device(c.Status.Name); ok {
			if in, ok := dev.(devmetrics.Instrumented); ok {
				in.SetMetrics(d.metrics)
			}
		}
	}
}
