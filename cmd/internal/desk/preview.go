package desk

import (
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	stdsync "sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/enrolld/enrolld/capture"
)

// The live preview reaches the page over WebRTC: the page offers a DataChannel named
// "preview", the desk answers (no STUN or TURN servers: the page and the station share a
// network, usually loopback), and once the channel opens sends every live-view frame as
// JPEG. A frame is cut into chunks of at most previewChunk bytes, each with a 12-byte
// header:
//
//	'J' 1 | seq uint32 | index uint16 | count uint16 | size of the frame uint16/1024 (KiB, rounded up)
//
// (big-endian); the page reassembles and draws complete frames on a <canvas>. This is the
// fallback the design names for builds without a VP8 encoder; a page that falls behind
// loses frames (the channel's buffered amount is bounded), never the station's memory.
const (
	previewChunk    = 16 << 10
	previewHeader   = 12
	previewMaxQueue = 1 << 20 // bytes buffered on a channel before frames are dropped
	maxPreviewPeers = 4
)

type offerRequest struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// servePreview answers a WebRTC offer; ICE gathering completes before the answer is sent,
// so no trickle endpoint is needed.
func (s *Server) servePreview(w http.ResponseWriter, r *http.Request, u *userSession) {
	var req offerRequest
	if err := decode(r, &req); err != nil || req.Type != "offer" {
		writeError(w, http.StatusBadRequest, "body must be an RTCSessionDescription offer")
		return
	}
	cam := s.opt.Devices.Camera()
	if cam == nil {
		writeError(w, http.StatusServiceUnavailable, "no camera")
		return
	}
	hub := s.previewHub(cam)
	if hub.peers() >= maxPreviewPeers {
		writeError(w, http.StatusTooManyRequests, "too many live previews open")
		return
	}
	answer, err := s.answer(r.Context(), hub, req)
	if err != nil {
		writeError(w, http.StatusBadRequest, "WebRTC: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, offerRequest{Type: "answer", SDP: answer})
}

func (s *Server) answer(ctx context.Context, hub *hub, offer offerRequest) (string, error) {
	var se webrtc.SettingEngine
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	se.SetIncludeLoopbackCandidate(true) // the page often runs on the station itself
	api, err := newPreviewAPI(se)
	if err != nil {
		return "", err
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return "", err
	}
	pcCtx, cancel := context.WithCancel(context.Background())
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed, webrtc.PeerConnectionStateDisconnected:
			cancel()
			_ = pc.Close()
		}
	})
	fail := func(err error) (string, error) { cancel(); _ = pc.Close(); return "", err }
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer.SDP}); err != nil {
		return fail(err)
	}
	video, err := s.addVideo(pcCtx, pc, hub)
	if err != nil {
		return fail(err)
	}
	pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		if dc.Label() != "preview" {
			return
		}
		if !video { // the JPEG fallback; with a VP8 track the channel stays quiet
			dc.OnOpen(func() { go s.stream(pcCtx, hub, dc) })
		}
		dc.OnClose(cancel)
	})
	ans, err := pc.CreateAnswer(nil)
	if err != nil {
		return fail(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(ans); err != nil {
		return fail(err)
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return fail(ctx.Err())
	case <-time.After(5 * time.Second):
		return fail(errors.New("ICE gathering did not finish"))
	}
	// A peer that never connects is closed after a while.
	time.AfterFunc(30*time.Second, func() {
		if pc.ConnectionState() != webrtc.PeerConnectionStateConnected {
			cancel()
			_ = pc.Close()
		}
	})
	return pc.LocalDescription().SDP, nil
}

// stream sends the hub's frames on dc until ctx ends.
func (s *Server) stream(ctx context.Context, hub *hub, dc *webrtc.DataChannel) {
	s.metrics.previewPeers.Inc()
	defer s.metrics.previewPeers.Dec()
	frames := hub.subscribe()
	defer hub.unsubscribe(frames)
	for {
		select {
		case <-ctx.Done():
			return
		case f, ok := <-frames:
			if !ok {
				return
			}
			if dc.BufferedAmount() > previewMaxQueue {
				s.metrics.previewDrops.Inc()
				continue
			}
			if err := sendFrame(dc, f); err != nil {
				return
			}
			s.metrics.previewFrames.Inc()
			s.metrics.previewBytes.Add(float64(len(f.JPEG)))
		}
	}
}

func sendFrame(dc *webrtc.DataChannel, f capture.Frame) error {
	n := (len(f.JPEG) + previewChunk - 1) / previewChunk
	if n > 0xFFFF {
		return nil // a frame over 1 GiB is not a preview frame; skip it
	}
	for i := 0; i < n; i++ {
		part := f.JPEG[i*previewChunk : min(len(f.JPEG), (i+1)*previewChunk)]
		msg := make([]byte, previewHeader, previewHeader+len(part))
		msg[0], msg[1] = 'J', 1
		binary.BigEndian.PutUint32(msg[2:], uint32(f.Seq))
		binary.BigEndian.PutUint16(msg[6:], uint16(i))
		binary.BigEndian.PutUint16(msg[8:], uint16(n))
		binary.BigEndian.PutUint16(msg[10:], uint16(min(0xFFFF, (len(f.JPEG)+1023)/1024)))
		if err := dc.Send(append(msg, part...)); err != nil {
			return err
		}
	}
	return nil
}

// hub runs one LiveView of the camera while at least one page watches, and fans its frames
// out; a slow subscriber misses frames.
type hub struct {
	cam    capture.Camera
	mu     stdsync.Mutex
	subs   map[chan capture.Frame]bool
	cancel context.CancelFunc
}

func (s *Server) previewHub(cam capture.Camera) *hub {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hub == nil || s.hub.cam != cam {
		s.hub = &hub{cam: cam, subs: map[chan capture.Frame]bool{}}
	}
	return s.hub
}

func (h *hub) peers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

func (h *hub) subscribe() chan capture.Frame {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := make(chan capture.Frame, 2)
	h.subs[c] = true
	if h.cancel == nil {
		ctx, cancel := context.WithCancel(context.Background())
		h.cancel = cancel
		go h.run(ctx)
	}
	return c
}

func (h *hub) unsubscribe(c chan capture.Frame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, c)
	if len(h.subs) == 0 && h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
}

func (h *hub) run(ctx context.Context) {
	in := make(chan capture.Frame, 2)
	go func() {
		for ctx.Err() == nil {
			if err := h.cam.LiveView(ctx, in); err != nil && ctx.Err() == nil {
				select { // the camera failed: try again shortly
				case <-time.After(time.Second):
				case <-ctx.Done():
				}
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-in:
			h.mu.Lock()
			for c := range h.subs {
				select {
				case c <- f:
				default:
				}
			}
			h.mu.Unlock()
		}
	}
}
