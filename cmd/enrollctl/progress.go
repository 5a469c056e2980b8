package main

import (
	"fmt"
	"io"
	"strings"
)

// progressBar draws "phase [#####.....] 50% 128/256 KiB" on one terminal line.
type progressBar struct {
	w         io.Writer
	lastPhase string
	lastPct   int
}

func newProgressBar(w io.Writer) *progressBar { return &progressBar{w: w, lastPct: -1} }

// update redraws the bar when the phase or the whole percentage changes.
func (p *progressBar) update(phase string, done, total int) {
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	if phase == p.lastPhase && pct == p.lastPct {
		return
	}
	if phase != p.lastPhase && p.lastPhase != "" {
		fmt.Fprintln(p.w)
	}
	p.lastPhase, p.lastPct = phase, pct
	const width = 30
	fill := pct * width / 100
	fmt.Fprintf(p.w, "\r%-9s [%s%s] %3d%% %d/%d KiB", phase, strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct, done>>10, total>>10)
}

// done ends the bar's line.
func (p *progressBar) done() {
	if p.lastPhase != "" {
		fmt.Fprintln(p.w)
	}
}
