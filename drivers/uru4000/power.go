package uru4000

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// powerUp brings the reader out of low power, trying the whole sequence up to
// InitAttempts times when the power-on interrupt does not come. Each attempt starts
// a fresh interrupt reader, which keeps running while the reader is powered.
func (d *Dev) powerUp(ctx context.Context) error {
	var err error
	for attempt := 1; attempt <= d.opts.InitAttempts; attempt++ {
		d.startIRQ()
		err = d.powerUpOnce(ctx)
		if err == nil {
			return nil
		}
		if !errors.Is(err, ErrNoPowerOn) {
			d.stopIRQ()
			return err
		}
		d.metrics.deviceError(kindNoPowerOn)
	}
	d.stopIRQ()
	return fmt.Errorf("%w after %d attempts", err, d.opts.InitAttempts)
}

// powerUpOnce is one power-up: read HWSTAT, reboot the power if it asks for it, make
// sure the reader is in low power, switch it on and wait for the power-on interrupt.
func (d *Dev) powerUpOnce(ctx context.Context) error {
	v, err := d.readHWStat(ctx)
	if err != nil {
		return err
	}
	if v&HWStatNeedReboot == HWStatNeedReboot {
		if v, err = d.rebootPower(ctx, v); err != nil {
			return err
		}
	}
	if v&HWStatLowPower == 0 {
		v |= HWStatLowPower
		if err := d.writeReg(ctx, RegHWStat, v); err != nil {
			return err
		}
	}
	if err := d.writeReg(ctx, RegHWStat, v&0x0f); err != nil {
		return err
	}
	if _, err := d.awaitEvent(ctx, EventPowerOn, d.opts.PowerOnTimeout); err != nil {
		if ctx.Err() == nil && isTimeout(err) {
			return fmt.Errorf("%w within %v", ErrNoPowerOn, d.opts.PowerOnTimeout)
		}
		return err
	}
	if v, err = d.readHWStat(ctx); err != nil {
		return err
	}
	if v&HWStatLowPower != 0 {
		return fmt.Errorf("%w: HWSTAT still %#02x after the power-on interrupt", ErrNoPowerOn, v)
	}
	return nil
}

// rebootPower switches the power off and on again and polls HWSTAT until bit 0 says
// the reboot finished. It returns the last HWSTAT value.
func (d *Dev) rebootPower(ctx context.Context, v byte) (byte, error) {
	if err := d.writeReg(ctx, RegHWStat, v&0x0f); err != nil {
		return v, err
	}
	for range d.opts.RebootPolls {
		var err error
		if v, err = d.readHWStat(ctx); err != nil {
			return v, err
		}
		if v&HWStatPowered != 0 {
			return v, nil
		}
		if err := sleep(ctx, d.opts.RebootPollInterval); err != nil {
			return v, err
		}
	}
	return v, fmt.Errorf("%w: HWSTAT %#02x after %d polls", ErrPowerReboot, v, d.opts.RebootPolls)
}

// readInfo reads the 16-byte device info block.
func (d *Dev) readInfo(ctx context.Context) ([]byte, error) {
	b := make([]byte, DeviceInfoSize)
	return b, d.readReg(ctx, RegDeviceInfo, b)
}

// sleep waits for dt or until ctx ends.
func sleep(ctx context.Context, dt time.Duration) error {
	t := time.NewTimer(dt)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
