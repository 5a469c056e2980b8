package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	_ "image/jpeg" // face photographs
	_ "image/png"  // fingerprints and signatures
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/enrolld/enrolld/capture/record/ansinist"
	"github.com/enrolld/enrolld/capture/record/wsq"
)

// recordConfig is the YAML form of `record build`; flags override it. Relative paths
// are relative to the YAML file.
type recordConfig struct {
	Header struct {
		Version  string  `yaml:"version"`
		TOT      string  `yaml:"tot"`
		Date     string  `yaml:"date"` // YYYY-MM-DD; empty means today (local time)
		Priority int     `yaml:"priority"`
		DAI      string  `yaml:"dai"`
		ORI      string  `yaml:"ori"`
		TCN      string  `yaml:"tcn"`
		TCR      string  `yaml:"tcr"`
		NSR      float64 `yaml:"nsr"` // pixels per mm; 0 means 19.69
		NTR      float64 `yaml:"ntr"`
		Domain   string  `yaml:"domain"`
		UTF8     bool    `yaml:"utf8"` // declare UTF-8 text in 1.015 DCS
	} `yaml:"header"`
	Source  string             `yaml:"source"` // SRC of image records; empty means ORI
	Type2   []recordType2Field `yaml:"type2"`
	Fingers []struct {
		Position int    `yaml:"position"`
		File     string `yaml:"file"`
		NFIQ     int    `yaml:"nfiq"` // 1–5; 0 omits 14.022
	} `yaml:"fingers"`
	Face      string            `yaml:"face"`
	FaceSAP   int               `yaml:"face_sap"`
	Signature string            `yaml:"signature"`
	BitRate   float64           `yaml:"bitrate"` // WSQ bits per pixel; 0 means 0.75
	PPI       int               `yaml:"ppi"`     // finger scan resolution; 0 means 500
	Profile   *ansinist.Profile `yaml:"profile"`
}

type recordType2Field struct {
	Num       int        `yaml:"num"`
	Value     string     `yaml:"value"`
	Subfields [][]string `yaml:"subfields"`
}

// recordCompressor turns a fingerprint image into a WSQ file.
type recordCompressor func(img image.Image, ppi int, bitRate float64) ([]byte, error)

func recordWSQ(img image.Image, ppi int, bitRate float64) ([]byte, error) {
	var buf bytes.Buffer
	err := wsq.Encode(&buf, img, &wsq.Options{BitRate: bitRate, PPI: ppi})
	return buf.Bytes(), err
}

// recordMultiFlag collects a repeated flag.
type recordMultiFlag []string

func (m *recordMultiFlag) String() string     { return strings.Join(*m, ",") }
func (m *recordMultiFlag) Set(v string) error { *m = append(*m, v); return nil }

func recordBuild(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("record build", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("o", "", "transaction file to write (mode 0600)")
	cfgPath := fs.String("config", "", "YAML description of the transaction")
	var fields, fingers recordMultiFlag
	fs.Var(&fields, "field", "Type-2 field NUM=VALUE (';' separates subfields, '|' items); repeatable")
	fs.Var(&fingers, "finger", "POS=IMAGE: a fingerprint (PNG, 8-bit grey) for finger position POS; repeatable")
	var cfg recordConfig
	h := &cfg.Header
	var face, sig, tot, dai, ori, tcn, version string
	fs.StringVar(&face, "face", "", "face photograph (JPEG or PNG)")
	fs.StringVar(&sig, "signature", "", "signature image (PNG) or pen vectors (CSV: x,y,pressure)")
	fs.StringVar(&tot, "tot", "", "type of transaction (1.004)")
	fs.StringVar(&dai, "dai", "", "destination agency (1.007)")
	fs.StringVar(&ori, "ori", "", "originating agency (1.008)")
	fs.StringVar(&tcn, "tcn", "", "transaction control number (1.009)")
	fs.StringVar(&version, "version", "", "ANSI/NIST-ITL version: 0400, 0500, 0501 or 0502 (default)")
	bitRate := fs.Float64("bitrate", 0, "WSQ bit rate in bits per pixel (default 0.75)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *out == "" {
		if h := recordHelp(err, stderr); h != nil {
			return h
		}
		return recordUsageError("record build: -o is required and takes no positional arguments\n" + recordUsage)
	}
	base := "."
	if *cfgPath != "" {
		if err := recordLoadConfig(*cfgPath, &cfg); err != nil {
			return err
		}
		base = filepath.Dir(*cfgPath)
	}
	for dst, v := range map[*string]string{&h.TOT: tot, &h.DAI: dai, &h.ORI: ori, &h.TCN: tcn, &h.Version: version, &cfg.Face: face, &cfg.Signature: sig} {
		if v != "" {
			*dst = v
		}
	}
	if *bitRate != 0 {
		cfg.BitRate = *bitRate
	}
	if err := cfg.addFlags(fields, fingers); err != nil {
		return err
	}
	recordAbsPaths(&cfg, face, sig, len(fingers))
	tx, err := cfg.assemble(base, recordWSQ)
	if err != nil {
		return err
	}
	raw, err := tx.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, raw, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d records, %d bytes\n", *out, len(tx.Records), len(raw))
	return nil
}

// recordAbsPaths makes the paths given as flags absolute, so that they are relative to
// the working directory while those from the YAML file stay relative to the file.
func recordAbsPaths(cfg *recordConfig, face, sig string, nFingerFlags int) {
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	if face != "" {
		cfg.Face = abs(face)
	}
	if sig != "" {
		cfg.Signature = abs(sig)
	}
	for i := len(cfg.Fingers) - nFingerFlags; i < len(cfg.Fingers); i++ {
		cfg.Fingers[i].File = abs(cfg.Fingers[i].File)
	}
}

func recordLoadConfig(path string, cfg *recordConfig) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// addFlags appends -field and -finger values to the configuration.
func (c *recordConfig) addFlags(fields, fingers recordMultiFlag) error {
	for _, f := range fields {
		num, val, ok := strings.Cut(f, "=")
		n, err := strconv.Atoi(strings.TrimPrefix(num, "2."))
		if !ok || err != nil {
			return recordUsageError(fmt.Sprintf("record build: -field %q is not NUM=VALUE", f))
		}
		var subs [][]string
		for _, s := range strings.Split(val, ";") {
			subs = append(subs, strings.Split(s, "|"))
		}
		c.Type2 = append(c.Type2, recordType2Field{Num: n, Subfields: subs})
	}
	for _, f := range fingers {
		pos, file, ok := strings.Cut(f, "=")
		p, err := strconv.Atoi(pos)
		if !ok || err != nil {
			return recordUsageError(fmt.Sprintf("record build: -finger %q is not POS=IMAGE", f))
		}
		c.Fingers = append(c.Fingers, struct {
			Position int    `yaml:"position"`
			File     string `yaml:"file"`
			NFIQ     int    `yaml:"nfiq"`
		}{Position: p, File: file})
	}
	return nil
}

// assemble builds and validates the transaction.
func (c *recordConfig) assemble(base string, compress recordCompressor) (*ansinist.Transaction, error) {
	hdr, err := c.header()
	if err != nil {
		return nil, err
	}
	tx, err := ansinist.NewTransaction(hdr)
	if err != nil {
		return nil, err
	}
	var t2 []ansinist.Field
	for _, f := range c.Type2 {
		subs := f.Subfields
		if len(subs) == 0 {
			subs = [][]string{{f.Value}}
		}
		fl := ansinist.Field{Num: f.Num}
		for _, s := range subs {
			fl.Subfields = append(fl.Subfields, ansinist.Subfield(s))
		}
		t2 = append(t2, fl)
	}
	u, err := ansinist.UserDefined(0, t2...)
	if err != nil {
		return nil, err
	}
	recs := []*ansinist.Record{u}
	src := c.Source
	if src == "" {
		src = hdr.ORI
	}
	imgs, err := c.imageRecords(base, src, hdr.Date, compress)
	if err != nil {
		return nil, err
	}
	if err := tx.Add(append(recs, imgs...)...); err != nil {
		return nil, err
	}
	if err := tx.Validate(); err != nil {
		return nil, err
	}
	if c.Profile != nil {
		if err := c.Profile.Validate(tx); err != nil {
			return nil, err
		}
	}
	return tx, nil
}

func (c *recordConfig) header() (ansinist.Header, error) {
	h := c.Header
	date := time.Now() // DAT is the local date
	if h.Date != "" {
		d, err := time.Parse("2006-01-02", h.Date)
		if err != nil {
			return ansinist.Header{}, fmt.Errorf("%w: header date %q is not YYYY-MM-DD", errRecordConfig, h.Date)
		}
		date = d
	}
	out := ansinist.Header{Version: h.Version, TOT: h.TOT, Date: date, Priority: h.Priority, DAI: h.DAI, ORI: h.ORI,
		TCN: h.TCN, TCR: h.TCR, NSR: h.NSR, NTR: h.NTR}
	if out.NSR == 0 {
		out.NSR = 19.69
	}
	if out.NTR == 0 {
		out.NTR = 19.69
	}
	if h.Domain != "" {
		out.Domain = &ansinist.Domain{Name: h.Domain}
	}
	if h.UTF8 {
		out.CharSets = []ansinist.CharSet{{Index: ansinist.CharSetUTF8, Name: "UTF-8"}}
	}
	return out, nil
}
