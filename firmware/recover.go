package firmware

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
)

// ErrDeviceAbsent means an interrupted update's device is not on the bus; recovery is
// retried at the next start or device arrival.
var ErrDeviceAbsent = errors.New("firmware: device of an interrupted update is not present")

// Recover finishes every update the journal shows as interrupted: a device left in DFU
// mode is flashed again from the kept bundle; a device already running the new version
// is marked done; a device still on its old version is marked failed (nothing was lost).
func (u *Updater) Recover(ctx context.Context) error {
	var errs []error
	for _, e := range u.Journal.Unfinished() {
		if err := u.recoverOne(ctx, e); err != nil {
			errs = append(errs, fmt.Errorf("firmware: recover update %s of %s: %w", e.Update, e.Device, err))
		}
	}
	return errors.Join(errs...)
}

func (u *Updater) recoverOne(ctx context.Context, e Entry) error {
	raw, err := u.Journal.Bundle(e.BundleSHA256)
	if err != nil {
		return u.abandon(e, fmt.Sprintf("kept bundle unreadable: %v", err))
	}
	b, err := ParseBundle(raw)
	if err == nil && b.KeyID == unsignedKeyID {
		if !u.AllowUnsigned {
			err = ErrUnsigned
		} else {
			err = verifyPayload(b)
		}
	} else if err == nil {
		err = Verify(b, u.Keys)
	}
	if err != nil {
		return u.abandon(e, fmt.Sprintf("kept bundle no longer verifies: %v", err))
	}
	serial := serialOf(e.Device)
	match, _ := b.Manifest.Fits(mustID(e.Device))
	r := &update{u: u, b: b, match: match, entry: e}
	r.entry.Step, r.entry.Detail = "", ""
	devs, err := u.Bus.Devices(ctx)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.Serial != "" && serial != "" && d.Serial != serial {
			continue
		}
		switch d.ID {
		case match.DFU:
			if err := r.log(StepRecovering, "device found in DFU mode"); err != nil {
				return err
			}
			return u.count(r.finish(ctx, r.resume(ctx, d)))
		case match.Runtime:
			return r.settle(d)
		}
	}
	return ErrDeviceAbsent
}

// resume re-flashes a device found in DFU mode.
func (r *update) resume(ctx context.Context, dev usb.DeviceDesc) error {
	if err := r.download(ctx, dev); err != nil {
		return err
	}
	return r.verify(ctx)
}

// settle closes an update whose device is back in run-time mode.
func (r *update) settle(d usb.DeviceDesc) error {
	v, _ := FromBCD(d.BcdDevice)
	if v == r.b.Manifest.Version {
		if err := r.log(StepVerified, d.String()+" (found after restart)"); err != nil {
			return err
		}
		return r.log(StepDone, "")
	}
	return r.log(StepFailed, fmt.Sprintf("interrupted before the device was changed; it still runs %s", v))
}

func (u *Updater) abandon(e Entry, why string) error {
	e.Step, e.Detail, e.Time = StepFailed, why, time.Time{}
	return u.Journal.Append(e)
}

func mustID(deviceKey string) usb.ID {
	id, _ := usb.ParseID(deviceKey[:min(9, len(deviceKey))])
	return id
}
