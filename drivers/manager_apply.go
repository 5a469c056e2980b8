package drivers

import (
	"context"
	"sync"

	"github.com/enrolld/enrolld/capture"
)

// Apply brings the manager to specs, the devices the configuration now names: it
// halts devices no longer named, reopens those whose spec changed, tries again those
// that are not loaded, keeps those that are loaded and unchanged, and opens new ones.
// Devices are initialised in parallel, each within OpenTimeout. Apply returns what it
// did to each device, removed ones first, then in the order of specs. Callers
// validate specs first: names must be unique.
func (m *Manager) Apply(ctx context.Context, specs []Spec) []Change {
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	return m.apply(ctx, specs)
}

// apply is Apply with applyMu held.
func (m *Manager) apply(ctx context.Context, specs []Spec) []Change {
	changes, release, open := m.plan(specs)
	for _, e := range release {
		e.release()
	}
	// Real USB devices are claimed one after another in configuration order, so
	// that the first configured device gets the first one found; everything else
	// initialises in parallel.
	var wg sync.WaitGroup
	var onBus []*entry
	for _, e := range open {
		if m.onUSBBus(e.spec) {
			onBus = append(onBus, e)
			continue
		}
		wg.Go(func() { m.initialise(ctx, e) })
	}
	wg.Go(func() {
		for _, e := range onBus {
			m.initialise(ctx, e)
		}
	})
	wg.Wait()

	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range changes {
		if e, ok := m.entries[changes[i].Status.Name]; ok && changes[i].Action != "removed" {
			changes[i].Status = e.status
		}
	}
	return changes
}

// Retry tries again every device that is not loaded (for instance a scanner that
// was unplugged at start) and returns what it did; loaded devices are left alone.
func (m *Manager) Retry(ctx context.Context) []Change {
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	m.mu.Lock()
	specs := make([]Spec, 0, len(m.order))
	for _, name := range m.order {
		specs = append(specs, m.entries[name].spec)
	}
	m.mu.Unlock()
	return m.apply(ctx, specs)
}

// plan swaps in the new set of entries (new and retried ones pending) and returns
// the changes, the entries to release and the entries to initialise.
func (m *Manager) plan(specs []Spec) (changes []Change, release, open []*entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.Now()
	wanted := make(map[string]bool, len(specs))
	for _, s := range specs {
		wanted[s.Name] = true
	}
	for _, name := range m.order {
		if e := m.entries[name]; !wanted[name] {
			release = append(release, e)
			st := e.status
			st.Reason, st.Since = "removed from the configuration", now
			changes = append(changes, Change{Action: "removed", Status: st})
		}
	}
	next := make(map[string]*entry, len(specs))
	order := make([]string, 0, len(specs))
	for _, s := range specs {
		old, had := m.entries[s.Name]
		action := "added"
		switch {
		case had && old.spec.equal(s) && (old.status.State == StateLoaded || old.permanent):
			next[s.Name] = old
			order = append(order, s.Name)
			changes = append(changes, Change{Action: "kept", Status: old.status})
			continue
		case had && old.spec.equal(s):
			action = "retried"
			release = append(release, old)
		case had:
			action = "reopened"
			release = append(release, old)
		}
		e := &entry{spec: s, status: DeviceStatus{
			Name: s.Name, Driver: s.Driver, Kind: m.kindOf(s.Driver),
			State: StatePending, Emulated: s.Emulate, Since: now,
		}}
		next[s.Name] = e
		order = append(order, s.Name)
		open = append(open, e)
		changes = append(changes, Change{Action: action, Status: e.status})
	}
	m.entries, m.order = next, order
	return changes, release, open
}

// onUSBBus reports whether s names a real USB device.
func (m *Manager) onUSBBus(s Spec) bool {
	d, ok := m.opts.Registry.Driver(s.Driver)
	return ok && !s.Emulate && d.OpenUSB != nil
}

// kindOf returns the device class of the driver called name, or KindUnknown.
func (m *Manager) kindOf(name string) capture.Kind {
	if d, ok := m.opts.Registry.Driver(name); ok {
		return d.Kind
	}
	return KindUnknown
}

// initialise opens e's device and records the outcome.
func (m *Manager) initialise(ctx context.Context, e *entry) {
	r := m.openWithin(ctx, e)
	m.mu.Lock()
	defer m.mu.Unlock()
	e.dev, e.closers, e.permanent = r.dev, r.closers, r.permanent
	e.status.Kind = r.kind
	e.status.State = r.state
	e.status.Reason = r.reason
	e.status.Since = m.opts.Now()
	if r.dev != nil {
		info := r.dev.Info()
		e.status.Info = &info
	}
	if r.state == StateFailed {
		m.errors[errorKey{kind: r.kind, driver: e.spec.Driver, op: "open"}]++
	}
}

// release halts e's device and closes what was opened for it, newest first.
func (e *entry) release() error {
	var first error
	if e.dev != nil {
		first = e.dev.Halt()
		e.dev = nil
	}
	for i := len(e.closers) - 1; i >= 0; i-- {
		if err := e.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	e.closers = nil
	return first
}
