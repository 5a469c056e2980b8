package face

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // stills are JPEG
	_ "image/png"  // and PNG in tests and tools
	"math"
)

// ErrImage means the still could not be decoded.
var ErrImage = errors.New("face: unreadable image")

// Problem names a failed check (a metrics label value); the Reason says what to do.
type Problem string

// The checks.
const (
	NoFace        Problem = "no_face"
	SeveralFaces  Problem = "several_faces"
	EyesNotFound  Problem = "eyes_not_found"
	EyesTooClose  Problem = "eye_distance"
	HeadTilted    Problem = "roll"
	HeadTurned    Problem = "yaw"
	NotCentred    Problem = "not_centred"
	TooClose      Problem = "head_too_large"
	TooDark       Problem = "too_dark"
	TooBright     Problem = "too_bright"
	LowContrast   Problem = "low_contrast"
	Blurred       Problem = "blurred"
	BusyBackdrop  Problem = "background"
	Expression    Problem = "expression"
	BelowAdvisory Problem = "eye_distance_below_recommended" // a warning, not a failure
)

// Finding is the outcome of one check.
type Finding struct {
	Check  Problem `json:"check"`
	Value  float64 `json:"value"`
	Reason string  `json:"reason"`
}

// Options set the limits. Zero fields take the defaults, which follow ISO/IEC 19794-5.
type Options struct {
	MinEyeDistance     float64 // pixels, default 90
	RecommendedEyeDist float64 // pixels, default 120 (below it: a warning)
	MaxRollDeg         float64 // default 8
	MaxYaw             float64 // |mouth x − eye midpoint x| / eye distance, default 0.25
	MaxOffCentre       float64 // |eye midpoint x − centre| / width, default 0.1
	MinMean, MaxMean   float64 // face luminance, default 60 and 200
	MinStd             float64 // face luminance spread, default 22
	MaxClipped         float64 // fraction of clipped face pixels, default 0.05
	MinSharpness       float64 // RMS Laplacian at the normalised scale, default 12
	MaxBackgroundStd   float64 // default 18
	MaxBackgroundEdges float64 // mean gradient of the background, default 6
	MaxTeeth           float64 // share of the mouth area showing teeth, default 0.03
	MinFaceScore       float32 // cascade score for a face, default 10
	TokenEyeDistance   int     // eye distance of the token crop, default 120
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&r.MinEyeDistance, 90)
	def(&r.RecommendedEyeDist, 120)
	def(&r.MaxRollDeg, 8)
	def(&r.MaxYaw, 0.25)
	def(&r.MaxOffCentre, 0.1)
	def(&r.MinMean, 60)
	def(&r.MaxMean, 200)
	def(&r.MinStd, 22)
	def(&r.MaxClipped, 0.05)
	def(&r.MinSharpness, 12)
	def(&r.MaxBackgroundStd, 18)
	def(&r.MaxBackgroundEdges, 6)
	def(&r.MaxTeeth, 0.03)
	if r.MinFaceScore == 0 {
		r.MinFaceScore = 10
	}
	if r.TokenEyeDistance == 0 {
		r.TokenEyeDistance = 120
	}
	return r
}

// Result is the outcome of Check.
type Result struct {
	Faces       int       `json:"faces"`
	LeftEye     [2]int    `json:"left_eye"`
	RightEye    [2]int    `json:"right_eye"`
	EyeDistance float64   `json:"eye_distance"`
	RollDeg     float64   `json:"roll_deg"`
	Failed      []Finding `json:"failed"`   // empty: the photo is acceptable
	Warnings    []Finding `json:"warnings"` // advisory
	Token       []byte    `json:"-"`        // the token crop as JPEG, when the geometry allowed it
	TokenW      int       `json:"token_width"`
	TokenH      int       `json:"token_height"`
}

// OK reports whether every check passed.
func (r *Result) OK() bool { return len(r.Failed) == 0 }

// Has reports whether the check p failed.
func (r *Result) Has(p Problem) bool {
	for _, f := range r.Failed {
		if f.Check == p {
			return true
		}
	}
	return false
}

func (r *Result) fail(p Problem, v float64, format string, a ...any) {
	r.Failed = append(r.Failed, Finding{p, v, fmt.Sprintf(format, a...)})
}

// Checker runs the checks. It is safe for concurrent use.
type Checker struct {
	c   *cascades
	opt Options
}

// NewChecker loads the embedded cascades.
func NewChecker(o *Options) (*Checker, error) {
	c, err := loadCascades()
	if err != nil {
		return nil, err
	}
	return &Checker{c: c, opt: o.withDefaults()}, nil
}

// CheckJPEG decodes an image (JPEG or PNG) and checks it.
func (k *Checker) CheckJPEG(ctx context.Context, b []byte) (*Result, error) {
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	return k.Check(ctx, img)
}

// Check runs every check on img and, when the geometry allows, crops the token image.
func (k *Checker) Check(ctx context.Context, img image.Image) (*Result, error) {
	g := toGray(img)
	if g.w < 64 || g.h < 64 {
		return nil, fmt.Errorf("%w: %dx%d is too small", ErrImage, g.w, g.h)
	}
	o := &k.opt
	res := &Result{}
	dets := k.c.faces(g, o.MinFaceScore)
	res.Faces = len(dets)
	switch {
	case len(dets) == 0:
		res.fail(NoFace, 0, "no face found: the applicant faces the camera, eyes open, nothing covering the face")
		return res, nil
	case len(dets) > 1:
		res.fail(SeveralFaces, float64(len(dets)), "%d faces in the picture: only the applicant may be in view", len(dets))
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lm := k.c.locate(g, dets[0])
	if !lm.found {
		res.fail(EyesNotFound, 0, "eyes not found: eyes open and visible, no glare on glasses, hair off the eyes")
		return res, nil
	}
	k.geometry(res, g, lm)
	k.photometry(res, g, lm)
	if f := teethFraction(img, lm); f > o.MaxTeeth {
		res.fail(Expression, f, "mouth open or teeth showing: the applicant keeps a neutral expression, mouth closed")
	}
	if res.Has(EyesTooClose) || res.Has(TooClose) || res.Has(NotCentred) {
		return res, nil
	}
	tok, err := k.token(g, img, lm)
	if err != nil {
		return nil, err
	}
	k.background(res, tok.gray)
	res.Token, res.TokenW, res.TokenH = tok.jpeg, tok.gray.w, tok.gray.h
	return res, nil
}

// geometry checks eye distance, roll, yaw and placement.
func (k *Checker) geometry(res *Result, g *gray, lm landmarks) {
	o := &k.opt
	d := dist(lm.left, lm.right)
	res.LeftEye = [2]int{int(lm.left.X), int(lm.left.Y)}
	res.RightEye = [2]int{int(lm.right.X), int(lm.right.Y)}
	res.EyeDistance = d
	res.RollDeg = math.Atan2(lm.right.Y-lm.left.Y, lm.right.X-lm.left.X) * 180 / math.Pi
	switch {
	case d < o.MinEyeDistance:
		res.fail(EyesTooClose, d, "eyes %.0f px apart, at least %.0f needed: the applicant steps closer to the camera", d, o.MinEyeDistance)
	case d < o.RecommendedEyeDist:
		res.Warnings = append(res.Warnings, Finding{BelowAdvisory, d, fmt.Sprintf("eyes %.0f px apart, %.0f recommended: a little closer", d, o.RecommendedEyeDist)})
	}
	if math.Abs(res.RollDeg) > o.MaxRollDeg {
		side := "right"
		if res.RollDeg < 0 {
			side = "left"
		}
		res.fail(HeadTilted, res.RollDeg, "head tilted %.0f° (at most %.0f°): the applicant straightens the head (it leans to the image's %s)", math.Abs(res.RollDeg), o.MaxRollDeg, side)
	}
	mid := point{(lm.left.X + lm.right.X) / 2, (lm.left.Y + lm.right.Y) / 2}
	if lm.mouth != (point{}) && d > 0 {
		yaw := (lm.mouth.X - mid.X) / d
		if math.Abs(yaw) > o.MaxYaw {
			res.fail(HeadTurned, yaw, "face turned aside: the applicant looks straight into the camera")
		}
	}
	off := (mid.X - float64(g.w)/2) / float64(g.w)
	if math.Abs(off) > o.MaxOffCentre {
		dir := "left"
		if off < 0 {
			dir = "right"
		}
		res.fail(NotCentred, off, "head off centre by %.0f%% of the width: the applicant moves to the image's %s", math.Abs(off)*100, dir)
	}
	// The head must be whole in the picture: crown about 1.4 d above the eye line, chin
	// about 2 d below, ears about 1.4 d either side. The token crop pads what lies beyond.
	if mid.Y-1.4*d < 0 || mid.Y+2*d > float64(g.h) || mid.X-1.4*d < 0 || mid.X+1.4*d > float64(g.w) {
		res.fail(TooClose, d, "head cut off by the picture's edge: the applicant steps back or the camera is re-aimed")
	}
}
