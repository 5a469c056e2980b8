package desk

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"os"
	"testing"
	"time"

	"github.com/enrolld/enrolld/capture"
	"github.com/enrolld/enrolld/capture/face"
)

// portraitCamera is the e2e test's camera: a real portrait (from ../shared/data; its head
// leaning 12° turned upright) in front of a plain backdrop as the still, and live-view frames made from it (scaled to 640 wide, a
// moving bar so consecutive frames differ) at 15 fps.
type portraitCamera struct {
	still  []byte
	frames [][]byte
}

func (c *portraitCamera) Info() capture.Info {
	return capture.Info{Kind: capture.KindCamera, Driver: "test-portrait"}
}
func (c *portraitCamera) String() string { return "portrait camera" }
func (c *portraitCamera) Halt() error    { return nil }
func (c *portraitCamera) CaptureStill(ctx context.Context) (*capture.Still, error) {
	return &capture.Still{JPEG: c.still, Captured: time.Now()}, nil
}
func (c *portraitCamera) LiveView(ctx context.Context, out chan<- capture.Frame) error {
	t := time.NewTicker(time.Second / 15)
	defer t.Stop()
	for seq := uint64(0); ; seq++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-t.C:
			select {
			case out <- capture.Frame{JPEG: c.frames[seq%uint64(len(c.frames))], Seq: seq, Captured: now}:
			default:
			}
		}
	}
}

func newPortraitCamera(t testing.TB, k *face.Checker) *portraitCamera {
	t.Helper()
	b, err := os.ReadFile("../../../../shared/data/faces/portrait-2.jpg")
	if err != nil {
		t.Skipf("portrait absent (%v): the browser test needs a real face", err)
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	img := upright(src, -12)
	res, err := k.Check(context.Background(), img)
	if err != nil || res.Faces != 1 {
		t.Fatalf("portrait: %+v %v", res, err)
	}
	// Plain backdrop outside an ellipse around the head, above the shoulders.
	l, r := res.LeftEye, res.RightEye
	d := math.Hypot(float64(r[0]-l[0]), float64(r[1]-l[1]))
	cx, cy := float64(l[0]+r[0])/2, float64(l[1]+r[1])/2-0.2*d
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			ex, ey := (float64(x)-cx)/(1.25*d), (float64(y)-cy)/(1.9*d)
			if ex*ex+ey*ey > 1 && float64(y) < cy+1.6*d {
				img.SetRGBA(x, y, color.RGBA{215, 215, 210, 255})
			}
		}
	}
	cam := &portraitCamera{still: encodeJPEG(img, 92)}
	small := shrink(img, 640)
	for i := 0; i < 15; i++ {
		f := image.NewRGBA(small.Rect)
		draw.Draw(f, f.Rect, small, image.Point{}, draw.Src)
		x := i * f.Rect.Dx() / 15
		draw.Draw(f, image.Rect(x, f.Rect.Dy()-8, x+f.Rect.Dx()/15, f.Rect.Dy()), &image.Uniform{color.RGBA{200, 30, 30, 255}}, image.Point{}, draw.Src)
		cam.frames = append(cam.frames, encodeJPEG(f, 75))
	}
	return cam
}

func encodeJPEG(img image.Image, q int) []byte {
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: q})
	return b.Bytes()
}

func shrink(src *image.RGBA, width int) *image.RGBA {
	f := float64(src.Rect.Dx()) / float64(width)
	h := int(float64(src.Rect.Dy()) / f)
	out := image.NewRGBA(image.Rect(0, 0, width, h))
	for y := 0; y < h; y++ {
		for x := 0; x < width; x++ {
			out.SetRGBA(x, y, src.RGBAAt(int(float64(x)*f), int(float64(y)*f)))
		}
	}
	return out
}

// upright turns src by deg degrees about its centre (nearest neighbour, edges clamped).
func upright(src image.Image, deg float64) *image.RGBA {
	b := src.Bounds()
	in := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(in, in.Rect, src, b.Min, draw.Src)
	out := image.NewRGBA(in.Rect)
	a := deg * math.Pi / 180
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	cos, sin := math.Cos(a), math.Sin(a)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			sx := min(max(int(cx+dx*cos+dy*sin), 0), b.Dx()-1)
			sy := min(max(int(cy-dx*sin+dy*cos), 0), b.Dy()-1)
			out.SetRGBA(x, y, in.RGBAAt(sx, sy))
		}
	}
	return out
}
