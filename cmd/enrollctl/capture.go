package main

import (
	"context"
	"io"
)

// captureKinds maps "enrollctl capture KIND" to the device class's command.
var captureKinds = map[string]runFunc{
	"finger":    runCaptureFinger,
	"signature": runCaptureSignature,
	"face":      runCaptureFace,
}

// runCaptureCmd captures from a device: enrollctl capture finger|signature|face [flags].
func runCaptureCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErrorf("enrollctl capture finger|signature|face [flags]")
	}
	run, ok := captureKinds[args[0]]
	if !ok {
		return usageErrorf("unknown kind %q (finger, signature, face)", args[0])
	}
	return run(ctx, args[1:], stdout, stderr)
}
