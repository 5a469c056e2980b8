package dfu

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/enrolld/enrolld/drivers/usb"
)

// Download sends the firmware in wTransferSize blocks, ends with the zero-length block
// and waits through manifestation. A failure the device reports (dfuERROR, a stall) is
// cleared and the download restarted from block 0, up to Options.Retries times; a lost
// device is not retried. It returns whether the device now waits for a USB reset.
func (h *Host) Download(ctx context.Context, firmware []byte, progress Progress) (needsReset bool, err error) {
	if !h.fn.Has(AttrCanDownload) {
		return false, ErrCannotDownload
	}
	for attempt := 0; ; attempt++ {
		needsReset, err = h.downloadOnce(ctx, firmware, progress)
		if err == nil || attempt >= h.opts.Retries || !retryable(err) || ctx.Err() != nil {
			return needsReset, err
		}
		if rerr := h.EnsureIdle(ctx); rerr != nil {
			return false, fmt.Errorf("dfu: recovering after %v: %w", err, rerr)
		}
	}
}

func retryable(err error) bool {
	return errors.Is(err, ErrDevice) || errors.Is(err, usb.ErrStall)
}

func (h *Host) downloadOnce(ctx context.Context, fw []byte, progress Progress) (bool, error) {
	if err := h.EnsureIdle(ctx); err != nil {
		return false, err
	}
	size := int(h.fn.TransferSize)
	block := uint16(0)
	for off := 0; off < len(fw); off += size {
		chunk := fw[off:min(off+size, len(fw))]
		if _, err := h.t.Control(ctx, reqOut, ReqDnload, block, h.iface, chunk); err != nil {
			return false, fmt.Errorf("dfu: DNLOAD block %d: %w", block, err)
		}
		if _, err := h.pollUntil(ctx, "download", DnloadIdle); err != nil {
			return false, fmt.Errorf("dfu: DNLOAD block %d: %w", block, err)
		}
		block++
		if progress != nil {
			progress("download", off+len(chunk), len(fw))
		}
	}
	if _, err := h.t.Control(ctx, reqOut, ReqDnload, block, h.iface, nil); err != nil {
		return false, fmt.Errorf("dfu: final zero-length DNLOAD: %w", err)
	}
	return h.manifest(ctx, progress, len(fw))
}

// manifest polls through dfuMANIFEST-SYNC / dfuMANIFEST. A device that is not
// manifestation-tolerant may stop answering once it manifests; that ends the phase.
func (h *Host) manifest(ctx context.Context, progress Progress, total int) (bool, error) {
	if progress != nil {
		progress("manifest", total, total)
	}
	st, err := h.pollUntil(ctx, "manifestation", Idle, ManifestWaitReset)
	if err != nil {
		if !h.fn.Has(AttrManifestationTolerant) && !errors.Is(err, ErrDevice) && ctx.Err() == nil {
			return true, nil
		}
		return false, err
	}
	return st.State == ManifestWaitReset || !h.fn.Has(AttrManifestationTolerant), nil
}

// pollUntil calls GETSTATUS, sleeping bwPollTimeout between calls, until the device
// reaches one of want; dfuERROR or a non-OK status fails with a DeviceError.
func (h *Host) pollUntil(ctx context.Context, during string, want ...State) (Status, error) {
	for {
		st, err := h.GetStatus(ctx)
		if err != nil {
			return st, err
		}
		if st.Code != OK || st.State == Error {
			return st, &DeviceError{Status: st, During: during}
		}
		for _, w := range want {
			if st.State == w {
				return st, nil
			}
		}
		if err := h.opts.Sleep(ctx, min(st.PollTimeout, h.opts.MaxPollTimeout)); err != nil {
			return st, fmt.Errorf("dfu: %s: %w", during, err)
		}
	}
}

// Upload reads the firmware back (for verification) until the device sends a short
// block, up to max bytes.
func (h *Host) Upload(ctx context.Context, max int) ([]byte, error) {
	if !h.fn.Has(AttrCanUpload) {
		return nil, ErrCannotUpload
	}
	if err := h.EnsureIdle(ctx); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	buf := make([]byte, h.fn.TransferSize)
	for block := uint16(0); out.Len() < max; block++ {
		n, err := h.t.Control(ctx, reqIn, ReqUpload, block, h.iface, buf)
		if err != nil {
			return nil, fmt.Errorf("dfu: UPLOAD block %d: %w", block, err)
		}
		out.Write(buf[:n])
		if n < len(buf) {
			return out.Bytes(), nil
		}
	}
	if err := h.Abort(ctx); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
