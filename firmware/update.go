package firmware

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/drivers/usb"
	"github.com/enrolld/enrolld/firmware/dfu"
)

// Progress reports an update's phase and bytes done out of total.
type Progress func(phase string, done, total int)

// Updater applies bundles to devices on a bus, journalling every step.
type Updater struct {
	Bus     usb.Bus     // where the devices to update are found
	Keys    TrustedKeys // the keys a bundle must be signed with
	Journal *Journal    // where every step is recorded before it is taken
	// AllowUnsigned lets a technician apply plain .dfu files (ApplyDFU). Anti-rollback
	// and every other check still apply; only the signature is missing.
	AllowUnsigned bool
	// Busy reports whether a device is capturing; nil means never busy.
	Busy func(usb.DeviceDesc) bool
	// DFU tunes the DFU host.
	DFU dfu.Options
	// EnumerateTimeout bounds the wait for a device to re-enumerate (default 10 s).
	EnumerateTimeout time.Duration
	// Metrics, if not nil, counts results.
	Metrics *Metrics
}

// DeviceKey names a device in the journal: its run-time id and serial number.
func DeviceKey(runtime usb.ID, serial string) string { return runtime.String() + "/" + serial }

// Apply checks the bundle (raw is its file bytes, kept for recovery) against dev and, if
// every check passes, updates it. actor is who asked (an operator account or "cli").
func (u *Updater) Apply(ctx context.Context, raw []byte, dev usb.DeviceDesc, actor string, progress Progress) (err error) {
	b, err := ParseBundle(raw)
	if err != nil {
		return u.count(err)
	}
	return u.apply(ctx, b, raw, dev, actor, progress)
}

// apply checks a parsed bundle (raw is what the journal keeps for recovery) and updates.
func (u *Updater) apply(ctx context.Context, b *Bundle, raw []byte, dev usb.DeviceDesc, actor string, progress Progress) error {
	match, ok := b.Manifest.Fits(dev.ID)
	if !ok {
		return u.count(fmt.Errorf("%w: device %s", ErrWrongDevice, dev.ID))
	}
	key := DeviceKey(match.Runtime, dev.Serial)
	installed, _ := FromBCD(dev.BcdDevice)
	busy := u.Busy != nil && u.Busy(dev)
	t := Target{ID: dev.ID, Installed: installed, LowestAllowed: u.Journal.LowestAllowed(key), Busy: busy}
	if err := u.check(b, t); err != nil {
		return u.count(err)
	}
	sha, err := u.Journal.KeepBundle(raw)
	if err != nil {
		return u.count(err)
	}
	run := &update{u: u, b: b, match: match, entry: Entry{Update: newUpdateID(), Device: key, Actor: actor,
		From: installed, To: b.Manifest.Version, BundleSHA256: sha}, progress: progress}
	if err := run.log(StepChecked, ""); err != nil {
		return u.count(err)
	}
	return u.count(run.finish(ctx, run.flash(ctx, dev)))
}

// count records err in the metrics and returns it.
func (u *Updater) count(err error) error {
	if u.Metrics != nil {
		u.Metrics.observe(err)
	}
	return err
}

func newUpdateID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// update is one update in progress.
type update struct {
	u        *Updater
	b        *Bundle
	match    DeviceMatch
	entry    Entry
	progress Progress
}

func (r *update) log(step Step, detail string) error {
	e := r.entry
	e.Step, e.Detail = step, detail
	if step == StepDone {
		e.LowestAllowed = r.b.Manifest.LowestAllowed
	}
	return r.u.Journal.Append(e)
}

func (r *update) report(phase string, done, total int) {
	if r.progress != nil {
		r.progress(phase, done, total)
	}
}

// finish journals the outcome of flash.
func (r *update) finish(ctx context.Context, err error) error {
	if err != nil {
		step := StepFailed
		if errors.Is(err, usb.ErrNoDevice) || errors.Is(err, usb.ErrTimeout) {
			step = StepInterrupted
		}
		if lerr := r.log(step, err.Error()); lerr != nil {
			return errors.Join(err, lerr)
		}
		return err
	}
	return r.log(StepDone, "")
}

// flash takes the device from whatever mode it is in to run-time mode on the new firmware.
func (r *update) flash(ctx context.Context, dev usb.DeviceDesc) error {
	if dev.ID != r.match.DFU || dev.ID == r.match.Runtime {
		var err error
		if dev, err = r.detach(ctx, dev); err != nil {
			return err
		}
	}
	if err := r.log(StepDFUMode, dev.String()); err != nil {
		return err
	}
	if err := r.download(ctx, dev); err != nil {
		return err
	}
	return r.verify(ctx)
}

// detach asks the run-time device to enter DFU mode and waits for it.
func (r *update) detach(ctx context.Context, dev usb.DeviceDesc) (usb.DeviceDesc, error) {
	r.report("detach", 0, 0)
	h, err := r.u.Bus.Open(ctx, dev)
	if err != nil {
		return dev, err
	}
	defer h.Close()
	host, err := dfu.New(ctx, h, r.u.DFU)
	if err != nil {
		return dev, err
	}
	if err := host.Detach(ctx); err != nil {
		return dev, err
	}
	if err := r.log(StepDetached, ""); err != nil {
		return dev, err
	}
	if !host.Functional().Has(dfu.AttrWillDetach) {
		if err := resetDevice(ctx, h); err != nil {
			return dev, err
		}
	}
	return r.u.waitFor(ctx, r.match.DFU, dev.Serial, nil)
}

// download sends the payload to the DFU-mode device, reads it back where the device
// allows, and resets it into run-time mode.
func (r *update) download(ctx context.Context, dev usb.DeviceDesc) error {
	h, err := r.u.Bus.Open(ctx, dev)
	if err != nil {
		return err
	}
	defer h.Close()
	host, err := dfu.New(ctx, h, r.u.DFU)
	if err != nil {
		return err
	}
	needsReset, err := host.Download(ctx, r.b.Payload, dfu.Progress(r.report))
	if err != nil {
		return err
	}
	if fn := host.Functional(); fn.Has(dfu.AttrCanUpload) && !needsReset {
		r.report("verify", 0, len(r.b.Payload))
		back, err := host.Upload(ctx, len(r.b.Payload))
		if err != nil {
			return fmt.Errorf("firmware: read-back: %w", err)
		}
		if !bytes.Equal(back, r.b.Payload) {
			return fmt.Errorf("firmware: read-back differs from the payload (%d of %d bytes read)", len(back), len(r.b.Payload))
		}
	}
	if err := r.log(StepDownloaded, ""); err != nil {
		return err
	}
	return resetDevice(ctx, h)
}

// verify waits for the device in run-time mode and checks it reports the new version.
func (r *update) verify(ctx context.Context) error {
	r.report("restart", 0, 0)
	want := r.b.Manifest.Version
	dev, err := r.u.waitFor(ctx, r.match.Runtime, serialOf(r.entry.Device), func(d usb.DeviceDesc) bool {
		v, err := FromBCD(d.BcdDevice)
		return err == nil && v == want
	})
	if err != nil {
		return fmt.Errorf("firmware: device did not come back running %s: %w", want, err)
	}
	return r.log(StepVerified, dev.String())
}

func serialOf(key string) string {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '/' {
			return key[i+1:]
		}
	}
	return ""
}

func resetDevice(ctx context.Context, h usb.Device) error {
	rs, ok := h.(usb.Resetter)
	if !ok {
		return fmt.Errorf("firmware: transport cannot reset %s", h.Descriptor())
	}
	if err := rs.Reset(ctx); err != nil && !errors.Is(err, usb.ErrNoDevice) {
		return fmt.Errorf("firmware: reset: %w", err)
	}
	return nil
}

// waitFor polls the bus until a device with id (and serial, if the device has one)
// appears and satisfies ok.
func (u *Updater) waitFor(ctx context.Context, id usb.ID, serial string, ok func(usb.DeviceDesc) bool) (usb.DeviceDesc, error) {
	timeout := u.EnumerateTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		devs, err := u.Bus.Devices(ctx)
		if err != nil {
			return usb.DeviceDesc{}, err
		}
		for _, d := range devs {
			if d.ID == id && (serial == "" || d.Serial == "" || d.Serial == serial) && (ok == nil || ok(d)) {
				return d, nil
			}
		}
		select {
		case <-ctx.Done():
			return usb.DeviceDesc{}, fmt.Errorf("firmware: waiting for %s: %w", id, usb.ErrTimeout)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
