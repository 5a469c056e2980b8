package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/enrolld/enrolld/capture/record/wsq"
)

const wsqUsage = `usage:
  enrollctl wsq encode IN.png|IN.raw OUT.wsq [--bitrate 0.75] [--ppi 500] [--size WxH] [--comment TEXT]
  enrollctl wsq decode IN.wsq OUT.png|OUT.raw
  enrollctl wsq info IN.wsq
A .raw file holds 8-bit grey pixels row by row; encoding one needs --size.`

// runWSQ compresses a greyscale image to WSQ or decompresses one.
func runWSQ(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, wsqUsage)
		return errors.New("wsq: missing sub-command")
	}
	switch args[0] {
	case "encode":
		return wsqEncode(args[1:], stdout, stderr)
	case "decode":
		return wsqDecode(args[1:], stdout, stderr)
	case "info":
		return wsqInfo(args[1:], stdout)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, wsqUsage)
		return nil
	}
	fmt.Fprintln(stderr, wsqUsage)
	return fmt.Errorf("wsq: unknown sub-command %q", args[0])
}

func wsqEncode(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wsq encode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bitrate := fs.Float64("bitrate", wsq.DefaultBitRate, "target bits per pixel (0.75 ≈ 15:1, 2.25 ≈ 5:1)")
	ppi := fs.Int("ppi", wsq.DefaultPPI, "scan resolution recorded in the NIST comment")
	size := fs.String("size", "", "WxH of a .raw input")
	comment := fs.String("comment", "", "extra comment segment")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("wsq encode: want IN and OUT, got %d arguments\n%s", len(pos), wsqUsage)
	}
	img, err := wsqLoad(pos[0], *size)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	opts := &wsq.Options{BitRate: *bitrate, PPI: *ppi, Comment: *comment}
	if err := wsq.Encode(&buf, img, opts); err != nil {
		return err
	}
	if err := os.WriteFile(pos[1], buf.Bytes(), 0o600); err != nil {
		return err
	}
	b := img.Bounds()
	fmt.Fprintf(stdout, "%s: %d×%d, %d bytes, %.3f bits per pixel\n", pos[1], b.Dx(), b.Dy(),
		buf.Len(), float64(8*buf.Len())/float64(b.Dx()*b.Dy()))
	return nil
}

func wsqDecode(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wsq decode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("wsq decode: want IN and OUT, got %d arguments\n%s", len(pos), wsqUsage)
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	img, info, err := wsq.NewDecoder(nil).Decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	var out bytes.Buffer
	if wsqIsRaw(pos[1]) {
		out.Write(img.Pix)
	} else if err := png.Encode(&out, img); err != nil {
		return err
	}
	if err := os.WriteFile(pos[1], out.Bytes(), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d×%d, %d ppi\n", pos[1], info.Width, info.Height, info.PPI)
	return nil
}

func wsqIsRaw(path string) bool { return strings.EqualFold(filepath.Ext(path), ".raw") }

// wsqLoad reads a PNG (or any registered format) or a raw 8-bit image.
func wsqLoad(path, size string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !wsqIsRaw(path) {
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return img, nil
	}
	ws, hs, ok := strings.Cut(size, "x")
	w, errW := strconv.Atoi(ws)
	h, errH := strconv.Atoi(hs)
	if !ok || errW != nil || errH != nil || w <= 0 || h <= 0 {
		return nil, fmt.Errorf("%s: a raw image needs --size WxH, got %q", path, size)
	}
	if len(data) != w*h {
		return nil, fmt.Errorf("%s: %d bytes, but %d×%d needs %d", path, len(data), w, h, w*h)
	}
	return &image.Gray{Pix: data, Stride: w, Rect: image.Rect(0, 0, w, h)}, nil
}

// wsqInfo prints the frame header and comments of a WSQ file.
func wsqInfo(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("wsq info: want one file, got %d arguments", len(args))
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	_, info, err := wsq.NewDecoder(nil).Decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	fmt.Fprintf(stdout, "size %d×%d\nppi %d\nbytes %d\nbits_per_pixel %.3f\nencoder %d\nsoftware %d\n",
		info.Width, info.Height, info.PPI, len(data), float64(8*len(data))/float64(info.Width*info.Height),
		info.Encoder, info.Software)
	for i, c := range info.Comments {
		fmt.Fprintf(stdout, "comment %d: %q\n", i+1, c)
	}
	return nil
}
