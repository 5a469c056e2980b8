//go:build vp8 && cgo

package desk

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"time"

	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/enrolld/enrolld/capture"
)

// vp8Built: this build encodes the live preview with libvpx into a VP8 video track.
const vp8Built = true

func newPreviewAPI(se webrtc.SettingEngine) (*webrtc.API, error) {
	var m webrtc.MediaEngine
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, PayloadType: 96}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(&m)), nil
}

// addVideo adds a VP8 track when the page's offer asks for video, and feeds it from the
// hub once the connection is up. It reports whether it did.
func (s *Server) addVideo(ctx context.Context, pc *webrtc.PeerConnection, hub *hub) (bool, error) {
	wants := false
	for _, t := range pc.GetTransceivers() {
		wants = wants || t.Kind() == webrtc.RTPCodecTypeVideo
	}
	if !wants {
		return false, nil
	}
	track, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "preview", "enrolld")
	if err != nil {
		return false, err
	}
	sender, err := pc.AddTrack(track)
	if err != nil {
		return false, err
	}
	go func() { // RTCP must be read for the interceptors to work
		buf := make([]byte, 1500)
		for {
			if _, _, err := sender.Read(buf); err != nil {
				return
			}
		}
	}()
	pc.OnICEConnectionStateChange(func(st webrtc.ICEConnectionState) {
		if st == webrtc.ICEConnectionStateConnected {
			go s.encodeVP8(ctx, hub, track)
		}
	})
	return true, nil
}

// encodeVP8 decodes the hub's JPEG frames, encodes them with libvpx and writes the samples;
// a change of frame size restarts the encoder.
func (s *Server) encodeVP8(ctx context.Context, hub *hub, track *webrtc.TrackLocalStaticSample) {
	s.metrics.previewPeers.Inc()
	defer s.metrics.previewPeers.Dec()
	frames := hub.subscribe()
	defer hub.unsubscribe(frames)
	next := func() (*image.YCbCr, error) {
		for {
			select {
			case <-ctx.Done():
				return nil, io.EOF
			case f, ok := <-frames:
				if !ok {
					return nil, io.EOF
				}
				if img, err := toI420(f); err == nil {
					return img, nil
				}
			}
		}
	}
	first, err := next()
	for err == nil {
		first, err = s.encodeRun(ctx, first, next, track)
	}
}

// encodeRun encodes frames of first's size until the size changes (returning the new
// frame) or the frames end.
func (s *Server) encodeRun(ctx context.Context, first *image.YCbCr, next func() (*image.YCbCr, error), track *webrtc.TrackLocalStaticSample) (*image.YCbCr, error) {
	params, err := vpx.NewVP8Params()
	if err != nil {
		return nil, err
	}
	params.BitRate = 1_500_000
	params.KeyFrameInterval = 30
	w, h := first.Rect.Dx(), first.Rect.Dy()
	pending := first
	var changed *image.YCbCr
	reader := video.ReaderFunc(func() (image.Image, func(), error) {
		if pending != nil {
			img := pending
			pending = nil
			return img, func() {}, nil
		}
		img, err := next()
		if err != nil {
			return nil, func() {}, err
		}
		if img.Rect.Dx() != w || img.Rect.Dy() != h {
			changed = img
			return nil, func() {}, errSizeChanged
		}
		return img, func() {}, nil
	})
	enc, err := params.BuildVideoEncoder(reader, prop.Media{Video: prop.Video{Width: w, Height: h, FrameRate: 15}})
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	last := time.Now()
	for {
		data, release, err := enc.Read()
		if err != nil {
			if errors.Is(err, errSizeChanged) && changed != nil {
				return changed, nil
			}
			return nil, err
		}
		now := time.Now()
		werr := track.WriteSample(media.Sample{Data: data, Duration: now.Sub(last)})
		s.metrics.previewFrames.Inc()
		s.metrics.previewBytes.Add(float64(len(data)))
		release()
		last = now
		if werr != nil {
			return nil, werr
		}
	}
}

var errSizeChanged = errors.New("desk: preview frame size changed")

// toI420 decodes a JPEG frame to 4:2:0 YCbCr with even dimensions, as libvpx wants.
func toI420(f capture.Frame) (*image.YCbCr, error) {
	img, err := jpeg.Decode(bytes.NewReader(f.JPEG))
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	w, h := b.Dx()&^1, b.Dy()&^1
	if y, ok := img.(*image.YCbCr); ok && y.SubsampleRatio == image.YCbCrSubsampleRatio420 && w == b.Dx() && h == b.Dy() && b.Min == (image.Point{}) {
		return y, nil
	}
	out := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := rgba.PixOffset(x, y)
			yy, cb, cr := rgbToYCbCr(rgba.Pix[o], rgba.Pix[o+1], rgba.Pix[o+2])
			out.Y[out.YOffset(x, y)] = yy
			if x%2 == 0 && y%2 == 0 {
				ci := out.COffset(x, y)
				out.Cb[ci], out.Cr[ci] = cb, cr
			}
		}
	}
	return out, nil
}

func rgbToYCbCr(r, g, b uint8) (uint8, uint8, uint8) { return color.RGBToYCbCr(r, g, b) }
