package usb

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// WatchOptions tune Watch.
type WatchOptions struct {
	// Interval between enumerations; zero means one second.
	Interval time.Duration
	// OnError is called when an enumeration fails (the watcher then keeps the
	// last known device list and tries again next interval); nil ignores errors.
	OnError func(error)
}

// deviceKey identifies one attachment of a device: a device that leaves and comes
// back gets a new address, so it is reported as a departure and an arrival.
type deviceKey struct {
	bus, addr int
	id        ID
}

func keyOf(d DeviceDesc) deviceKey { return deviceKey{d.Bus, d.Address, d.ID} }

// Watch reports devices arriving and leaving on bus by enumerating it every
// interval, for buses without hot-plug notification (gousb has none). Devices
// present at the first enumeration are reported as arrivals. The channel is
// closed when ctx ends. Events are delivered in order; a slow reader delays the
// next enumeration rather than losing events.
func Watch(ctx context.Context, bus Bus, opts *WatchOptions) <-chan Event {
	o := WatchOptions{}
	if opts != nil {
		o = *opts
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	ch := make(chan Event)
	go func() {
		defer close(ch)
		known := map[deviceKey]DeviceDesc{}
		tick := time.NewTicker(o.Interval)
		defer tick.Stop()
		for {
			devs, err := bus.Devices(ctx)
			if err != nil {
				if o.OnError != nil && ctx.Err() == nil {
					o.OnError(err)
				}
			} else if !sendChanges(ctx, ch, known, devs) {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return ch
}

// sendChanges diffs devs against known (updating it) and sends the differences:
// departures first, then arrivals, each in enumeration order. It returns false if
// ctx ended.
func sendChanges(ctx context.Context, ch chan<- Event, known map[deviceKey]DeviceDesc, devs []DeviceDesc) bool {
	now := make(map[deviceKey]bool, len(devs))
	for _, d := range devs {
		now[keyOf(d)] = true
	}
	var events []Event
	for k, d := range known {
		if !now[k] {
			events = append(events, Event{Arrived: false, Device: d})
			delete(known, k)
		}
	}
	sortEvents(events)
	for _, d := range devs {
		if _, ok := known[keyOf(d)]; !ok {
			known[keyOf(d)] = d
			events = append(events, Event{Arrived: true, Device: d})
		}
	}
	for _, e := range events {
		select {
		case ch <- e:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// sortEvents orders departures by bus and address, so they are deterministic.
func sortEvents(es []Event) {
	slices.SortFunc(es, func(a, b Event) int {
		if c := cmp.Compare(a.Device.Bus, b.Device.Bus); c != 0 {
			return c
		}
		return cmp.Compare(a.Device.Address, b.Device.Address)
	})
}
