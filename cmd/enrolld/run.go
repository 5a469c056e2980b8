package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2 // bad flags or configuration; nothing was started
)

// deviceRetryInterval is how often devices that are not loaded are tried again.
const deviceRetryInterval = 30 * time.Second

// usbWatchInterval is how often the USB bus is enumerated to notice devices being
// plugged in and out (libusb through gousb has no hot-plug notification).
const usbWatchInterval = 2 * time.Second

// run is enrolld's main with its surroundings passed in: the arguments, the output
// streams, the environment and the signals, so tests can drive it end to end.
func run(args []string, stdout, stderr io.Writer, env func(string) string, sigs <-chan os.Signal) int {
	f, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "enrolld: %v\n", err)
		return exitUsage
	}
	if f.version {
		b := currentBuild()
		fmt.Fprintf(stdout, "enrolld %s (revision %s, %s)\n", b.Version, b.Revision, b.GoVersion)
		return exitOK
	}
	cfg, err := loadConfig(f.configFile, f)
	if err != nil {
		fmt.Fprintf(stderr, "enrolld: %v\n", err)
		return exitUsage
	}
	if f.checkConfig {
		fmt.Fprintf(stdout, "enrolld: %s is valid (%d devices)\n", f.configFile, len(cfg.Devices))
		return exitOK
	}
	level := &slog.LevelVar{}
	level.Set(parseLevel(cfg.Log.Level))
	logger := newLogger(stderr, cfg.Log.Format, level)
	bus, closeBus, err := openUSBBus()
	if err != nil {
		logger.Warn("USB hardware is not available; only emulated, serial and SDK devices will open", "err", err)
	}
	defer closeBus()
	d, err := newDaemon(daemonOptions{
		config: cfg, flags: f, logger: logger, level: level, env: env,
		usbBus: bus, retryInterval: deviceRetryInterval, usbWatchInterval: usbWatchInterval, announce: stdout,
	})
	if err != nil {
		logger.Error("enrolld cannot start", "err", err)
		return exitFailed
	}
	if err := d.run(context.Background(), sigs); err != nil {
		logger.Error("enrolld stopped with an error", "err", err)
		return exitFailed
	}
	return exitOK
}
