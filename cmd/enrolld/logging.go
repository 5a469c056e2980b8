package main

import (
	"io"
	"log/slog"
	"os"
)

// newLogger returns the daemon's logger writing to w in format ("json", "logfmt" or
// "text"; empty means JSON, or text when w is a terminal) at the level held in level,
// which SIGHUP may change.
func newLogger(w io.Writer, format string, level *slog.LevelVar) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "" && isTerminal(w) {
		format = "text"
	}
	if format == "logfmt" || format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// parseLevel maps a validated level name to its slog level.
func parseLevel(name string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
