package wsq

import (
	"bytes"
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
