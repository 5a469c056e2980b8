package ptp_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"syscall"
	"testing"
	"time"

	"github.com/enrolld/enrolld/drivers/ptp"
	"github.com/enrolld/enrolld/drivers/ptp/emu"
)

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchOpen(b *testing.B, o *emu.Options) *ptp.Dev {
	cam := emu.New(o)
	b.Cleanup(func() { cam.Close() })
	d, err := ptp.New(context.Background(), cam, nil)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkLiveView pulls live-view frames as fast as the emulator serves them (no
// frame-rate cap) and reports frames per second and CPU per frame: the emulator's
// transactions (it renders a new frame when the scene's 1/30 s slot changes and serves
// it from its cache otherwise; emu.BenchmarkEncodeScene is the cost of a new one) plus
// the driver's transactions and parsing.
func BenchmarkLiveView(b *testing.B) {
	for _, c := range []struct {
		name   string
		o      emu.Options
		warmup int
	}{
		// The emulator as the demo runs it: 30 frames/s, polled with NotReady between.
		{"default30fps", emu.Options{}, 0},
		{"scene640x480", emu.Options{FrameRate: -1}, 0},
		{"scene1024x680", emu.Options{FrameRate: -1, FrameWidth: 1024, FrameHeight: 680}, 0},
		// A fixed JPEG: what the driver alone costs per frame.
		{"driverOnly", emu.Options{FrameRate: -1, Image: emu.EncodeScene(640, 480, 0)}, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := benchOpen(b, &c.o)
			ctx := context.Background()
			if err := d.StartLiveView(ctx); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < c.warmup; i++ {
				if _, err := d.NextFrame(ctx); err != nil {
					b.Fatal(err)
				}
			}
			var bytesTotal int
			cpu0, t0 := cpuTime(), time.Now()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f, err := d.NextFrame(ctx)
				if err != nil {
					b.Fatal(err)
				}
				bytesTotal += len(f)
			}
			b.StopTimer()
			el, cpu := time.Since(t0), cpuTime()-cpu0
			b.ReportMetric(float64(b.N)/el.Seconds(), "frames/s")
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/frame")
			b.ReportMetric(float64(bytesTotal)/float64(b.N), "B/frame")
			d.StopLiveView(ctx)
		})
	}
}

// BenchmarkCaptureToDecodedStill times InitiateCapture → ObjectAdded → CaptureComplete
// → GetObjectInfo → GetObject → DeleteObject → a decoded image, with a 1 ns shutter
// (so the figure is the software path: the emulator rendering the 960 × 1280 scene and
// encoding it, the transfers, and decoding the JPEG).
func BenchmarkCaptureToDecodedStill(b *testing.B) {
	for _, c := range []struct {
		name string
		o    emu.Options
	}{
		{"scene960x1280", emu.Options{ShutterDelay: time.Nanosecond}},
		{"fixedJPEG960x1280", emu.Options{ShutterDelay: time.Nanosecond, Image: emu.EncodeScene(960, 1280, 0)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			d := benchOpen(b, &c.o)
			ctx := context.Background()
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				s, err := d.CaptureStill(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := jpeg.Decode(bytes.NewReader(s.JPEG)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
