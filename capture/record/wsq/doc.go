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
// The decoder follows the reference implementation's single-precision
// arithmetic, so it reproduces NIST NBIS output pixel for pixel. Malformed
// input yields a *FormatError naming the marker segment and byte offset.
package wsq
