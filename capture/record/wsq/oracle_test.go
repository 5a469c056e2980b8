package wsq

import (
	"bytes"
	"image"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// The NBIS 5.0.0 oracle files live outside the repository.
const oracleDir = "../../../../shared/data/nbis-oracle/wsq"

const oracleW, oracleH = 545, 622

func readOracle(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(oracleDir, name))
	if os.IsNotExist(err) {
		t.Skipf("oracle data %s not present: %v", name, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOracleDecode(t *testing.T) {
	cases := []struct{ wsq, raw string }{
		{"sample.wsq", "sample.nbis_dwsq.545x622.raw"},
		{"sample_reencoded.nbis_cwsq_0.75.wsq", "sample_reencoded.nbis_dwsq.545x622.raw"},
	}
	for _, c := range cases {
		t.Run(c.wsq, func(t *testing.T) {
			data, want := readOracle(t, c.wsq), readOracle(t, c.raw)
			img, info, err := NewDecoder(nil).Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if info.Width != oracleW || info.Height != oracleH {
				t.Fatalf("size %d×%d, want %d×%d", info.Width, info.Height, oracleW, oracleH)
			}
			if bytes.Equal(img.Pix, want) {
				return
			}
			diff, maxd := 0, 0
			for i := range want {
				d := int(img.Pix[i]) - int(want[i])
				if d != 0 {
					diff++
					if d < 0 {
						d = -d
					}
					maxd = max(maxd, d)
				}
			}
			t.Fatalf("%d of %d pixels differ from NBIS (max difference %d)", diff, len(want), maxd)
		})
	}
}

// psnr returns the peak signal-to-noise ratio of b against a in dB.
func psnr(a, b []uint8) float64 {
	se := 0.0
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		se += d * d
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/(se/float64(len(a))))
}

func oracleImage(t testing.TB) *image.Gray {
	raw := readOracle(t, "sample.nbis_dwsq.545x622.raw")
	return &image.Gray{Pix: raw, Stride: oracleW, Rect: image.Rect(0, 0, oracleW, oracleH)}
}

// TestOracleEncode compares the encoder with NBIS cwsq at 0.75 bpp: NBIS
// reaches 46.38 dB in 23684 bytes on this image.
func TestOracleEncode(t *testing.T) {
	const nbisPSNR = 46.38
	img := oracleImage(t)
	nbisSize := len(readOracle(t, "sample_reencoded.nbis_cwsq_0.75.wsq"))
	var e Encoder
	data, err := e.Encode(img, &Options{BitRate: 0.75})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := NewDecoder(nil).Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	p := psnr(img.Pix, out.Pix)
	ratio := float64(len(data)) / float64(nbisSize)
	t.Logf("PSNR %.2f dB (NBIS %.2f), size %d bytes (NBIS %d, ratio %.3f)", p, nbisPSNR, len(data), nbisSize, ratio)
	if p < nbisPSNR-0.3 {
		t.Errorf("PSNR %.2f dB is more than 0.3 dB below NBIS's %.2f dB", p, nbisPSNR)
	}
	if ratio < 0.95 || ratio > 1.05 {
		t.Errorf("size %d bytes is not within 5%% of NBIS's %d", len(data), nbisSize)
	}
}

// TestOracleHighRate codes the real fingerprint at 2.25 bpp: it must beat
// the 0.75 bpp result clearly.
func TestOracleHighRate(t *testing.T) {
	img := oracleImage(t)
	var e Encoder
	data, err := e.Encode(img, &Options{BitRate: 2.25})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := NewDecoder(nil).Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	p := psnr(img.Pix, out.Pix)
	t.Logf("2.25 bpp: %d bytes (%.2f bpp), PSNR %.2f dB", len(data), float64(8*len(data))/float64(len(img.Pix)), p)
	if p < 50 {
		t.Errorf("PSNR %.2f dB at 2.25 bpp", p)
	}
}
