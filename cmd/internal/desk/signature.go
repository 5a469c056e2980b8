package desk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	stdsync "sync"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/signature"
)

func (s *Server) serveSignature(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	pad := s.opt.Devices.Pad()
	if pad == nil {
		s.reply(w, sess, nil, fmt.Errorf("%w: no signature pad", errNoDevice), 0)
		return
	}
	ctx, cancel := s.capture(r)
	defer cancel()
	live := s.liveFor(sess.ID())
	sig, err := signature.Collect(ctx, teePad{pad, live.publish}, &signature.CollectOptions{Idle: s.opt.SignatureIdle})
	live.close()
	if err != nil {
		s.reply(w, sess, nil, deviceErr(ctx, err), 0)
		return
	}
	err = sess.SubmitSignature(r.Context(), u.actor, sig)
	if err != nil {
		var ue *signature.UnusableError
		if asUnusable(err, &ue) {
			s.metrics.rejections.WithLabelValues("signature", problemLabel(string(ue.Reason))).Inc()
		}
	}
	s.reply(w, sess, sig.Stats(), err, http.StatusOK)
}

func (s *Server) serveSignatureImage(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	sig := sess.SignatureData()
	if sig == nil {
		writeError(w, http.StatusNotFound, "no signature")
		return
	}
	g, err := sig.Render(nil)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writePNG(w, g.Width, g.Height, g.Pix)
}

func writePNG(w http.ResponseWriter, width, height int, pix []byte) {
	var b bytes.Buffer
	img := &image.Gray{Pix: pix, Stride: width, Rect: image.Rect(0, 0, width, height)}
	if err := png.Encode(&b, img); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(b.Bytes())
}

// teePad passes a pad's samples on and also to fn (the live drawing on the page).
type teePad struct {
	capture.SignaturePad
	fn func(capture.PenSample)
}

// Stream forwards the inner pad's samples to out and to fn.
func (t teePad) Stream(ctx context.Context, out chan<- capture.PenSample) error {
	in := make(chan capture.PenSample, 64)
	errc := make(chan error, 1)
	go func() { errc <- t.SignaturePad.Stream(ctx, in); close(in) }()
	for p := range in {
		t.fn(p)
		select {
		case out <- p:
		case <-ctx.Done():
		}
	}
	return <-errc
}

// live fans pen samples out to the pages watching a signature being drawn.
type live struct {
	mu     stdsync.Mutex
	subs   map[chan []byte]bool
	closed bool
}

func (l *live) publish(p capture.PenSample) {
	b, _ := json.Marshal(map[string]any{"x": p.XMM, "y": p.YMM, "tip": p.Tip, "p": p.Pressure, "max": p.MaxPressure})
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.subs {
		select {
		case c <- b:
		default: // a slow page misses samples rather than stalling the pad
		}
	}
}

func (l *live) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for c := range l.subs {
		close(c)
		delete(l.subs, c)
	}
}

func (l *live) subscribe() chan []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := make(chan []byte, 256)
	if l.closed {
		close(c)
		return c
	}
	l.subs[c] = true
	return c
}

func asUnusable(err error, ue **signature.UnusableError) bool { return errors.As(err, ue) }

// liveFor returns the open live feed of enrollment id, making a new one when needed.
func (s *Server) liveFor(id string) *live {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lives == nil {
		s.lives = map[string]*live{}
	}
	l := s.lives[id]
	if l != nil {
		l.mu.Lock()
		closed := l.closed
		l.mu.Unlock()
		if !closed {
			return l
		}
	}
	l = &live{subs: map[chan []byte]bool{}}
	s.lives[id] = l
	return l
}

// serveSignatureLive streams the pen samples of the signature being drawn as server-sent
// events, until the capture ends.
func (s *Server) serveSignatureLive(w http.ResponseWriter, r *http.Request, u *userSession) {
	sess := s.lookup(w, r, u)
	if sess == nil {
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	c := s.liveFor(sess.ID()).subscribe()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": live\n\n")
	fl.Flush()
	for {
		select {
		case b, ok := <-c:
			if !ok {
				fmt.Fprint(w, "event: end\ndata: {}\n\n")
				fl.Flush()
				return
			}
			fmt.Fprintf(w, "data: %s\n\n", b)
			fl.Flush()
		case <-r.Context().Done():
			return
		}
	}
}
