package usb

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptedBus returns one device list per enumeration, repeating the last.
type scriptedBus struct {
	mu    sync.Mutex
	lists [][]DeviceDesc
	errs  []error
	n     int
}

func (b *scriptedBus) Devices(ctx context.Context) ([]DeviceDesc, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	i := min(b.n, len(b.lists)-1)
	b.n++
	var err error
	if i < len(b.errs) {
		err = b.errs[i]
	}
	return b.lists[i], err
}

func (b *scriptedBus) Open(ctx context.Context, d DeviceDesc) (Device, error) {
	return nil, ErrNoDevice
}

func dev(addr int, pid uint16) DeviceDesc {
	return DeviceDesc{Bus: 1, Address: addr, ID: ID{Vendor: 0x05ba, Product: pid}}
}

func describe(e Event) string {
	sign := "-"
	if e.Arrived {
		sign = "+"
	}
	return sign + e.Device.String()
}

func TestWatch(t *testing.T) {
	bus := &scriptedBus{
		lists: [][]DeviceDesc{
			{dev(3, 0xa), dev(4, 0x8)},
			{dev(3, 0xa), dev(4, 0x8)},
			nil, // enumeration fails: nothing changes
			{dev(4, 0x8)},
			{dev(4, 0x8), dev(5, 0xa)}, // re-plugged, new address
		},
		errs: []error{nil, nil, errors.New("boom")},
	}
	var mu sync.Mutex
	var errs []string
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := Watch(ctx, bus, &WatchOptions{Interval: time.Millisecond, OnError: func(err error) {
		mu.Lock()
		errs = append(errs, err.Error())
		mu.Unlock()
	}})
	var got []string
	for len(got) < 4 {
		got = append(got, describe(<-ch))
	}
	want := "+05ba:000a at 1/3 +05ba:0008 at 1/4 -05ba:000a at 1/3 +05ba:000a at 1/5"
	if strings.Join(got, " ") != want {
		t.Errorf("events %q\nwant    %q", strings.Join(got, " "), want)
	}
	cancel()
	for range ch {
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 1 || errs[0] != "boom" {
		t.Errorf("errors reported: %q", errs)
	}
}

func TestSendChangesOrdersDepartures(t *testing.T) {
	known := map[deviceKey]DeviceDesc{}
	ch := make(chan Event, 16)
	var all []DeviceDesc
	for i := 9; i >= 1; i-- {
		all = append(all, dev(i, 1))
	}
	sendChanges(context.Background(), ch, known, all)
	for range all {
		<-ch
	}
	sendChanges(context.Background(), ch, known, nil)
	for i := 1; i <= 9; i++ {
		if e := <-ch; e.Arrived || e.Device.Address != i {
			t.Fatalf("event %d = %s", i, describe(e))
		}
	}
	if len(known) != 0 {
		t.Errorf("known = %v", known)
	}
}
