package drivers

import (
	"context"
	"fmt"
	"slices"

	"github.com/enrolld/enrolld/drivers/usb"
)

// HandleUSBEvent applies a USB arrival or departure (from usb.Watch on the
// manager's bus) and returns what it changed. A departure of the device a loaded
// entry holds marks that entry lost (skipped, halted); an arrival of a device a
// configured but unloaded real-USB entry could use tries the unloaded devices
// again. Other events change nothing.
func (m *Manager) HandleUSBEvent(ctx context.Context, ev usb.Event) []Change {
	if !ev.Arrived {
		name := m.holderOf(ev.Device)
		if name == "" || !m.Lost(name, fmt.Errorf("%s was unplugged", ev.Device)) {
			return nil
		}
		for _, st := range m.Devices() {
			if st.Name == name {
				return []Change{{Action: "lost", Status: st}}
			}
		}
		return nil
	}
	if !m.wants(ev.Device.ID) {
		return nil
	}
	var out []Change
	for _, c := range m.Retry(ctx) {
		if c.Action != "kept" {
			out = append(out, c)
		}
	}
	return out
}

// WantsUSB reports whether any configured device is a real USB device, so that the
// caller knows whether to watch the bus at all.
func (m *Manager) WantsUSB() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.entries {
		if m.onUSBBus(e.spec) {
			return true
		}
	}
	return false
}

// holderOf returns the name of the entry holding the device d, or "".
func (m *Manager) holderOf(d usb.DeviceDesc) string {
	key := fmt.Sprintf("%d/%d", d.Bus, d.Address)
	m.mu.Lock()
	defer m.mu.Unlock()
	for name, e := range m.entries {
		if e.busKey == key && e.dev != nil {
			return name
		}
	}
	return ""
}

// wants reports whether an unloaded real-USB entry could use a device with id.
func (m *Manager) wants(id usb.ID) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.entries {
		if e.dev != nil || e.status.State == StatePending || !m.onUSBBus(e.spec) {
			continue
		}
		if e.spec.USB == id {
			return true
		}
		if d, ok := m.opts.Registry.Driver(e.spec.Driver); ok && e.spec.USB == (usb.ID{}) && slices.Contains(d.USB, id) {
			return true
		}
	}
	return false
}
