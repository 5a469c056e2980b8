package drivers

import "fmt"

// Lost tells the manager that the loaded device called name has gone (its driver
// returned capture.ErrUnplugged or usb.ErrNoDevice, say): the manager halts it,
// releases its transport, marks it skipped with the reason and counts a "lost"
// error; Retry opens it again once it is back. It returns false when name is not
// loaded.
func (m *Manager) Lost(name string, cause error) bool {
	m.mu.Lock()
	e, ok := m.entries[name]
	if !ok || e.dev == nil {
		m.mu.Unlock()
		return false
	}
	gone := &entry{dev: e.dev, closers: e.closers}
	e.dev, e.closers, e.busKey = nil, nil, ""
	e.status.State = StateSkipped
	e.status.Reason = fmt.Sprintf("device lost: %v", cause)
	e.status.Info = nil
	e.status.Since = m.opts.Now()
	m.errors[errorKey{kind: e.status.Kind, driver: e.spec.Driver, op: "lost"}]++
	m.mu.Unlock()
	_ = gone.release()
	return true
}
