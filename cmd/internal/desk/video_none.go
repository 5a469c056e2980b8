//go:build !(vp8 && cgo)

package desk

import (
	"context"

	"github.com/pion/webrtc/v4"
)

// vp8Built reports whether this build encodes the live preview as a VP8 video track (build
// tag vp8, with cgo and libvpx). Without it the page gets JPEG frames on the DataChannel.
const vp8Built = false

func newPreviewAPI(se webrtc.SettingEngine) (*webrtc.API, error) {
	return webrtc.NewAPI(webrtc.WithSettingEngine(se)), nil
}

// addVideo would add the VP8 track; this build has none.
func (s *Server) addVideo(ctx context.Context, pc *webrtc.PeerConnection, hub *hub) (bool, error) {
	return false, nil
}
