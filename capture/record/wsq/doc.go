// Package wsq reads and writes WSQ (Wavelet Scalar Quantization) images, the
// FBI's compression for 8-bit greyscale fingerprints scanned at 500 ppi
// (IAFIS-IC-0110 v3.1). ANSI/NIST-ITL Type-4 and Type-14 records carry
// fingerprints in this format.
//
// # How WSQ works
//
// The encoder subtracts the image mean M and divides by a scale R so that
// pixels lie in ±128. A 9/7 biorthogonal wavelet, applied separably to rows
// and columns with symmetric extension at the edges, then splits the image
// twenty times in a fixed pattern into 64 subbands: the coarsest are 1/1024
// of the image, the finest (60–63, diagonal detail) are discarded. Each
// subband k gets a uniform scalar quantiser with bin width Q_k and a wider
// zero bin Z_k = 1.2·Q_k; the widths follow from the subband variances and
// the target bit rate (0.75 bits per pixel is about 15:1, the usual FBI
// setting; 2.25 is about 5:1). The integer coefficients, in subband order,
// are Huffman coded in three blocks with an alphabet of zero runs, small
// values and escapes for large ones.
//
// A file is a sequence of marker segments: SOI; tables (DTT with the filter
// taps, DQT with Q, Z and the bin centre C, DHT with Huffman tables), COM
// comments (the NIST comment records width, height, depth, PPI and bit
// rate) and the SOF frame header (size, M, R); then SOB block headers each
// followed by entropy-coded data; EOI.
//
// # What this package implements
//
// The decoder reads any transform table with odd-length symmetric filters
// (the 9/7 pair on a fast path), Huffman tables in any order and number of
// DHT segments, comments anywhere, and restart markers inside blocks. It
// follows the reference implementation's single-precision arithmetic and
// operation order, so it reproduces NIST NBIS output pixel for pixel.
// Even-length filter banks are rejected with ErrUnsupported. Malformed
// input yields a *FormatError naming the marker segment and byte offset;
// DecodeOptions.MaxPixels bounds the memory a file can claim.
//
// The encoder writes what the FBI parameter settings prescribe: the 9/7
// filters, bin centre C = 0.44, subbands 0–18 in block 1 with Huffman table
// 0 and subbands 19–59 in blocks 2 and 3 sharing table 1, a NIST comment,
// and no restart markers. On NIST's test image it matches NBIS cwsq in file
// size and PSNR.
package wsq
