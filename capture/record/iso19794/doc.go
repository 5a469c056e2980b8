// Package iso19794 reads and writes the binary biometric data records of ISO/IEC 19794
// parts 4 (finger image) and 5 (face image), 2005 editions: the records inside ICAO
// e-passports (DG2 holds a 19794-5 face, DG3 19794-4 fingers) and inside CBEFF
// containers of many national ID systems.
//
// Supported editions: ISO/IEC 19794-4:2005 (format identifier "FIR\0", version "010\0")
// and ISO/IEC 19794-5:2005 (format identifier "FAC\0", version "010\0"), the layout
// ICAO Doc 9303 e-passports use. The 2011 editions (version "020\0"/"030\0")
// and ISO/IEC 39794 are not supported; reading them fails with ErrVersion.
//
// All integers are big-endian. A finger image record is a 32-byte general header
// followed by one 14-byte-headed block per finger view; a face image record is a 14-byte
// header followed by one block per face: a 20-byte facial information block, 8 bytes per
// feature point, a 12-byte image information block and the image (JPEG or JPEG 2000).
//
// Writers compute every length exactly. Readers of face records are lenient about
// record and block lengths that are off by up to 8 bytes, as found in issued passports
// (see [FaceOptions]); the discrepancy is reported, never silently fixed on re-writing.
package iso19794
