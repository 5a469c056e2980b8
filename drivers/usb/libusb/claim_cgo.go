//go:build cgo

package libusb

import (
	"fmt"

	"github.com/google/gousb"

	"github.com/enrolld/enrolld/drivers/usb"
)

// inEndpoint returns the IN endpoint ep, claiming its interface on first use.
func (d *device) inEndpoint(ep uint8) (*gousb.InEndpoint, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.in[ep]; ok {
		return e, nil
	}
	in, err := d.claimFor(ep)
	if err != nil {
		return nil, err
	}
	e, err := in.InEndpoint(int(ep & 0x0f))
	if err != nil {
		return nil, err
	}
	d.in[ep] = e
	return e, nil
}

// outEndpoint returns the OUT endpoint ep, claiming its interface on first use.
func (d *device) outEndpoint(ep uint8) (*gousb.OutEndpoint, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.out[ep]; ok {
		return e, nil
	}
	in, err := d.claimFor(ep)
	if err != nil {
		return nil, err
	}
	e, err := in.OutEndpoint(int(ep & 0x0f))
	if err != nil {
		return nil, err
	}
	d.out[ep] = e
	return e, nil
}

// claimFor claims (once) the interface of the active configuration that has
// endpoint ep; d.mu is held.
func (d *device) claimFor(ep uint8) (*gousb.Interface, error) {
	cfgValue, ifNum, alt, ok := d.owner(ep)
	if !ok {
		return nil, fmt.Errorf("no interface has endpoint %02x", ep)
	}
	if in, ok := d.ifaces[ifNum]; ok {
		return in, nil
	}
	if d.cfg == nil {
		cfg, err := d.dev.Config(cfgValue)
		if err != nil {
			// Detaching a kernel driver is not supported everywhere (umockdev,
			// some platforms): try again without.
			d.dev.SetAutoDetach(false)
			if cfg, err = d.dev.Config(cfgValue); err != nil {
				return nil, err
			}
		}
		d.cfg = cfg
	}
	in, err := d.cfg.Interface(ifNum, alt)
	if err != nil {
		d.dev.SetAutoDetach(false)
		if in, err = d.cfg.Interface(ifNum, alt); err != nil {
			return nil, err
		}
	}
	d.ifaces[ifNum] = in
	return in, nil
}

// owner finds the configuration, interface and alternate setting that have
// endpoint ep, preferring the active configuration and the lowest alternate.
func (d *device) owner(ep uint8) (cfg, iface, alt int, ok bool) {
	active, err := d.dev.ActiveConfigNum()
	if err != nil {
		active = -1
	}
	var best *usb.InterfaceDesc
	bestCfg := 0
	for ci := range d.desc.Configs {
		c := &d.desc.Configs[ci]
		for ii := range c.Interfaces {
			in := &c.Interfaces[ii]
			if !hasEndpoint(in, ep) {
				continue
			}
			better := best == nil ||
				(int(c.Value) == active && bestCfg != active) ||
				(int(c.Value) == bestCfg && in.Alternate < best.Alternate)
			if better {
				best, bestCfg = in, int(c.Value)
			}
		}
	}
	if best == nil {
		return 0, 0, 0, false
	}
	return bestCfg, int(best.Number), int(best.Alternate), true
}

func hasEndpoint(in *usb.InterfaceDesc, ep uint8) bool {
	for _, e := range in.Endpoints {
		if e.Address == ep {
			return true
		}
	}
	return false
}
