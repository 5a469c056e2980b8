package signature

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/drivers/devmetrics"
)

// ErrNothingSigned means the capture ended without a single pen-down sample.
var ErrNothingSigned = errors.New("signature: nothing was signed")

// CollectOptions bound a capture. Zero fields take the defaults.
type CollectOptions struct {
	// Idle ends the capture once the pen has been up this long after the last stroke;
	// default 2 s.
	Idle time.Duration
	// Progress, if set, receives short steps ("sign now", "stroke 2").
	Progress func(string)
	// Criteria judge usability in Capture; nil means the defaults.
	Criteria *Criteria
	// Metrics, if set, records each Capture's outcome and duration.
	Metrics *devmetrics.Metrics
}

// Capture collects a signature from pad and checks it. An unusable signature is
// returned together with its *UnusableError, so the operator can see what was drawn.
// The capture's outcome and duration go to o.Metrics.
func Capture(ctx context.Context, pad capture.SignaturePad, o *CollectOptions) (*Signature, error) {
	start := time.Now()
	sig, err := Collect(ctx, pad, o)
	if err == nil {
		var c *Criteria
		if o != nil {
			c = o.Criteria
		}
		err = sig.Check(c)
	}
	if o != nil {
		o.Metrics.Capture(string(capture.KindSignature), outcome(err), time.Since(start))
	}
	return sig, err
}

func outcome(err error) string {
	switch {
	case err == nil:
		return devmetrics.OutcomeOK
	case errors.Is(err, ErrUnusable), errors.Is(err, ErrNothingSigned) && !errors.Is(err, capture.ErrUnplugged):
		return devmetrics.OutcomeUnusable
	case errors.Is(err, capture.ErrUnplugged):
		return devmetrics.OutcomeUnplugged
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return devmetrics.OutcomeCancelled
	}
	return devmetrics.OutcomeError
}

// Collect streams samples from pad until the signer has drawn at least one stroke and
// left the pen up for Idle, or ctx ends (the samples so far are then returned with
// ctx's error if nothing was signed). It does not judge usability: call Check.
func Collect(ctx context.Context, pad capture.SignaturePad, o *CollectOptions) (*Signature, error) {
	opt := CollectOptions{Idle: 2 * time.Second}
	if o != nil {
		if o.Idle > 0 {
			opt.Idle = o.Idle
		}
		opt.Progress = o.Progress
	}
	say := func(format string, a ...any) {
		if opt.Progress != nil {
			opt.Progress(fmt.Sprintf(format, a...))
		}
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in := make(chan capture.PenSample, 256)
	errc := make(chan error, 1)
	go func() { errc <- pad.Stream(sctx, in) }()
	sig := &Signature{Device: pad.Info().Model}
	say("sign now on %s", pad)
	var lastUp time.Time
	strokes, down := 0, false
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case s := <-in:
			sig.Samples = append(sig.Samples, s)
			if s.Tip && !down {
				strokes++
				say("stroke %d", strokes)
			}
			if !s.Tip && down {
				lastUp = time.Now()
			}
			down = s.Tip
		case <-tick.C:
			if strokes > 0 && !down && time.Since(lastUp) >= opt.Idle {
				cancel()
				<-errc
				say("done: %d strokes", strokes)
				return sig, nil
			}
		case err := <-errc:
			ended := err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
			switch {
			case strokes > 0 && ended:
				return sig, nil
			case strokes == 0 && err == nil:
				return sig, ErrNothingSigned
			case strokes == 0:
				return sig, fmt.Errorf("%w: %w", ErrNothingSigned, err)
			}
			return sig, err
		}
	}
}
