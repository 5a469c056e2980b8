// Package faultproxy is a TCP proxy that injects network faults between a station and the
// centre: dropped connections, added delay, connections cut after a number of bytes (mid
// upload), and full partitions. The mode can be changed while connections are open.
package faultproxy

import (
	"errors"
	"io"
	"net"
	stdsync "sync"
	"sync/atomic"
	"time"
)

// Mode is the fault the proxy applies.
type Mode int32

// Modes.
const (
	Pass      Mode = iota // forward faithfully
	Drop                  // accept, then close new connections at once
	Delay                 // forward, sleeping Latency before every chunk
	Cut                   // forward, but cut each connection after CutAfter upstream bytes
	Partition             // accept and hold new connections without forwarding; sever open ones
)

// Proxy forwards a local listener to a target address.
type Proxy struct {
	ln       net.Listener
	target   string
	mode     atomic.Int32
	Latency  time.Duration // for Delay, default 50 ms
	CutAfter int64         // for Cut, default 32 KiB

	mu    stdsync.Mutex
	conns map[net.Conn]bool
	wg    stdsync.WaitGroup
	// Cuts counts connections cut mid-stream (Cut or Partition).
	Cuts atomic.Int64
}

// New listens on 127.0.0.1:0 and forwards to target.
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, Latency: 50 * time.Millisecond, CutAfter: 32 << 10, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's listening address.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetMode switches the fault and severs every open connection (so connections held by a
// partition do not linger, and a new fault applies from the next connection on).
func (p *Proxy) SetMode(m Mode) {
	p.mode.Store(int32(m))
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.SetMode(Drop)
	p.wg.Wait()
	return err
}

func (p *Proxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.handle(c)
	}
}

func (p *Proxy) handle(c net.Conn) {
	defer p.wg.Done()
	defer c.Close()
	p.track(c, true)
	defer p.track(c, false)
	switch Mode(p.mode.Load()) {
	case Drop:
		return
	case Partition:
		io.Copy(io.Discard, c) // black hole until the client gives up or we sever it
		return
	}
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	p.track(up, true)
	defer p.track(up, false)
	done := make(chan struct{}, 2)
	go func() { p.pipe(up, c, true); up.Close(); c.Close(); done <- struct{}{} }()
	go func() { p.pipe(c, up, false); up.Close(); c.Close(); done <- struct{}{} }()
	<-done
	<-done
}

// pipe copies src to dst chunk by chunk, applying the current mode to each chunk.
func (p *Proxy) pipe(dst, src net.Conn, upstream bool) {
	buf := make([]byte, 16<<10)
	var n int64
	for {
		k, err := src.Read(buf)
		if k > 0 {
			switch Mode(p.mode.Load()) {
			case Delay:
				time.Sleep(p.Latency)
			case Cut:
				if upstream && n+int64(k) > p.CutAfter {
					dst.Write(buf[:p.CutAfter-n])
					p.Cuts.Add(1)
					return
				}
			case Partition, Drop:
				p.Cuts.Add(1)
				return
			}
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return
			}
			n += int64(k)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return
			}
			return
		}
	}
}
