package wsq

import (
	"math/rand/v2"
	"testing"
)

func TestHuffmanRoundTrip(t *testing.T) {
	fib := [256]int{}
	a, b := 1, 1
	for i := 1; i <= 40; i++ { // Fibonacci weights force lengths past 16
		fib[i] = a
		a, b = b, a+b
	}
	single := [256]int{180: 5}
	var uniform [256]int
	for i := 1; i < 255; i++ {
		uniform[i] = 3
	}
	for name, freq := range map[string][256]int{"fibonacci": fib, "single": single, "uniform": uniform, "empty": {}} {
		spec := buildHuffSpec(&freq)
		kraft, total := 0.0, 0
		for l, n := range spec.counts {
			kraft += float64(n) / float64(uint(1)<<(l+1))
			total += int(n)
		}
		if kraft >= 1 {
			t.Errorf("%s: Kraft sum %g leaves no room for the reserved code", name, kraft)
		}
		if total != len(spec.values) {
			t.Fatalf("%s: %d codes for %d values", name, total, len(spec.values))
		}
		var dec huffDecoder
		if err := dec.init(spec); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		enc := spec.encoder()
		rng := rand.New(rand.NewPCG(1, 2))
		var syms []uint8
		w := bitWriter{}
		for i := 0; i < 5000; i++ {
			s := spec.values[rng.IntN(len(spec.values))]
			syms = append(syms, s)
			w.write(uint32(enc.code[s]), uint(enc.size[s]))
		}
		w.flush()
		r := bitReader{data: w.buf}
		for i, want := range syms {
			got, st := dec.decode(&r)
			if st != symOK || got != want {
				t.Fatalf("%s: symbol %d: got %d (status %d), want %d", name, i, got, st, want)
			}
		}
		if _, st := dec.decode(&r); st != symEnd {
			t.Errorf("%s: padding decoded as a symbol (status %d)", name, st)
		}
	}
}

func TestBitStuffing(t *testing.T) {
	w := bitWriter{}
	w.write(0xFFFF, 16)
	w.write(0x1, 1)
	w.flush()
	want := []byte{0xFF, 0x00, 0xFF, 0x00, 0xFF, 0x00}
	if string(w.buf) != string(want) {
		t.Fatalf("stuffed % X, want % X", w.buf, want)
	}
	r := bitReader{data: w.buf}
	if v, ok := r.read(16); !ok || v != 0xFFFF {
		t.Fatalf("read %X %v", v, ok)
	}
	if v, ok := r.read(8); !ok || v != 0xFF {
		t.Fatalf("read %X %v", v, ok)
	}
	if _, ok := r.read(1); ok {
		t.Fatal("read past the end")
	}
}

func TestScaledParameters(t *testing.T) {
	for _, v := range []float64{0.44, 167.14, 1.3058, 16.132, 0.000123, 65534, 1e6} {
		d := newDecimal16(v)
		got := float64(d.value())
		want := v
		if v > 65535 {
			want = 65535
		}
		if rel := (got - want) / want; rel > 1e-4 || rel < -1e-4 {
			t.Errorf("%g stored as %d/10^%d reads back %g", v, d.mant, d.scale, got)
		}
	}
	if s, m := toScaled16(0.44); s != 2 || m != 44 {
		t.Errorf("0.44 stored as %d/10^%d, want 44/10^2", m, s)
	}
}
