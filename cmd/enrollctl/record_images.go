package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/enrolld/enrolld/capture/record/ansinist"
)

// imageRecords builds the Type-14 fingers, the Type-10 face and the Type-8 signature;
// IDCs count from 1 in that order.
func (c *recordConfig) imageRecords(base, src string, date time.Time, compress recordCompressor) ([]*ansinist.Record, error) {
	ppi := c.PPI
	if ppi == 0 {
		ppi = 500
	}
	bitRate := c.BitRate
	if bitRate == 0 {
		bitRate = 0.75
	}
	resolve := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	var recs []*ansinist.Record
	idc := 1
	for _, f := range c.Fingers {
		img, err := recordLoadImage(resolve(f.File))
		if err != nil {
			return nil, err
		}
		data, err := compress(img, ppi, bitRate)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.File, err)
		}
		fr := &ansinist.FrictionRidgeImage{
			ImageInfo: ansinist.ImageInfo{IDC: idc, Source: src, Date: date, Width: img.Bounds().Dx(), Height: img.Bounds().Dy(),
				Scale: ansinist.ScalePPI, HPS: ppi, VPS: ppi, Compression: ansinist.CompressionWSQ},
			Impression: ansinist.ImpressionLiveScanPlain, BitDepth: 8, Positions: []int{f.Position}, Data: data,
		}
		if f.NFIQ != 0 {
			fr.NFIQ = []ansinist.NFIQ{{Position: f.Position, Score: f.NFIQ}}
		}
		r, err := fr.Record()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.File, err)
		}
		recs = append(recs, r)
		idc++
	}
	if c.Face != "" {
		r, err := recordFace(resolve(c.Face), idc, src, date, c.FaceSAP)
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
		idc++
	}
	if c.Signature != "" {
		r, err := recordSignature(resolve(c.Signature), idc)
		if err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, nil
}

func recordLoadImage(path string) (image.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// recordFace wraps a JPEG or PNG photograph, unchanged, in a Type-10 record.
func recordFace(path string, idc int, src string, date time.Time, sap int) (*ansinist.Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cga := map[string]string{"jpeg": ansinist.CompressionJPEGB, "png": ansinist.CompressionPNG}[format]
	if cga == "" {
		return nil, fmt.Errorf("%w: %s: face must be JPEG or PNG, not %s", errRecordConfig, path, format)
	}
	csp := "SRGB"
	if cfg.ColorModel == color.GrayModel || cfg.ColorModel == color.Gray16Model {
		csp = "GRAY"
	}
	face := &ansinist.FaceImage{
		ImageInfo: ansinist.ImageInfo{IDC: idc, Source: src, Date: date, Width: cfg.Width, Height: cfg.Height,
			Scale: ansinist.ScaleNone, HPS: 1, VPS: 1, Compression: cga},
		ColorSpace: csp, SAP: sap, Pose: "F", Data: b,
	}
	return face.Record()
}

// recordSignature builds a Type-8 record from pen vectors (.csv) or a scanned image
// stored as uncompressed 8-bit grey.
func recordSignature(path string, idc int) (*ansinist.Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := &ansinist.Signature{IDC: idc}
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		if s.Vectors, err = recordVectors(b); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		s.Representation = ansinist.SignatureVector
		return s.Record()
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	g := recordGray(img)
	s.Representation = ansinist.SignatureScanned
	s.Width, s.Height, s.Data = g.Rect.Dx(), g.Rect.Dy(), g.Pix
	return s.Record()
}

// recordVectors parses "x,y,pressure" lines; a final vector with pressure 255 is added if
// the list does not end with one.
func recordVectors(b []byte) ([]ansinist.Vector, error) {
	var vs []ansinist.Vector
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		parts := strings.Split(t, ",")
		var v [3]uint64
		for i := range v {
			if len(parts) != 3 {
				return nil, fmt.Errorf("%w: vector line %d is not x,y,pressure", errRecordConfig, line)
			}
			var err error
			if v[i], err = strconv.ParseUint(strings.TrimSpace(parts[i]), 10, []int{16, 16, 8}[i]); err != nil {
				return nil, fmt.Errorf("%w: vector line %d: %v", errRecordConfig, line, err)
			}
		}
		vs = append(vs, ansinist.Vector{X: uint16(v[0]), Y: uint16(v[1]), Pressure: uint8(v[2])})
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("%w: no vectors", errRecordConfig)
	}
	if last := vs[len(vs)-1]; last.Pressure != ansinist.EndOfVectors {
		vs = append(vs, ansinist.Vector{X: last.X, Y: last.Y, Pressure: ansinist.EndOfVectors})
	}
	return vs, nil
}

func recordGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok && g.Rect.Min == (image.Point{}) && g.Stride == g.Rect.Dx() {
		return g
	}
	g := image.NewGray(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g
}
