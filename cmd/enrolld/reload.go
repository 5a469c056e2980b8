package main

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"time"
)

// reload re-reads the configuration file on SIGHUP and applies what can change
// while running: the log level and, through the subsystems that reload, the device
// list. It logs what it changed and which changes need a restart. A file that no
// longer loads is logged and the running configuration is kept.
func (d *daemon) reload(ctx context.Context) {
	d.notify.send("RELOADING=1", monotonicUsec())
	defer d.notify.send("READY=1", d.statusLine())
	d.log.Info("reloading the configuration", "file", d.opts.flags.configFile)
	next, err := loadConfig(d.opts.flags.configFile, d.opts.flags)
	if err != nil {
		d.metrics.reloadSuccess.Set(0)
		d.mu.Lock()
		d.lastReloadErr = err.Error()
		d.mu.Unlock()
		d.log.Error("reload failed; keeping the running configuration", "err", err)
		return
	}
	d.mu.Lock()
	prev := d.cfg
	d.mu.Unlock()

	reloaded := []string{"log"}
	if next.Log.Level != prev.Log.Level {
		d.opts.level.Set(parseLevel(next.Log.Level))
		d.log.Info("log level changed", "from", prev.Log.Level, "to", next.Log.Level)
	}
	for _, s := range d.subsystems {
		r, ok := s.(reloader)
		if !ok {
			continue
		}
		sections, err := r.Reload(ctx, next)
		if err != nil {
			d.log.Error("reload of a subsystem failed", "subsystem", s.Name(), "err", err)
		}
		reloaded = append(reloaded, sections...)
	}
	running := d.keepUnreloaded(prev, next, reloaded)
	d.mu.Lock()
	d.cfg = running
	d.lastReload, d.lastReloadErr = time.Now(), ""
	d.mu.Unlock()
	d.metrics.reloadSuccess.Set(1)
	d.metrics.reloadTimestamp.SetToCurrentTime()
	d.log.Info("configuration reloaded", "devices", len(next.Devices))
}

// keepUnreloaded returns the configuration now in force: next's sections that were
// reloaded, prev's for the others. It warns about each section that changed but
// only takes effect on restart; log.format is such a setting inside a reloaded one.
func (d *daemon) keepUnreloaded(prev, next *config, reloaded []string) *config {
	running := *next
	pv, nv, rv := reflect.ValueOf(prev).Elem(), reflect.ValueOf(next).Elem(), reflect.ValueOf(&running).Elem()
	for i := range pv.NumField() {
		key := yamlKey(pv.Type().Field(i))
		if slices.Contains(reloaded, key) {
			continue
		}
		if !reflect.DeepEqual(pv.Field(i).Interface(), nv.Field(i).Interface()) {
			d.log.Warn("configuration section changed; restart enrolld to apply it", "section", key)
		}
		rv.Field(i).Set(pv.Field(i))
	}
	if next.Log.Format != prev.Log.Format {
		d.log.Warn("log.format changed; restart enrolld to apply it", "from", prev.Log.Format, "to", next.Log.Format)
		running.Log.Format = prev.Log.Format
	}
	return &running
}

// yamlKey is the configuration key of a config field.
func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}
