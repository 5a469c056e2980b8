// Package matcher turns fingerprints into minutiae templates and compares them.
//
// A fingerprint is a pattern of ridges (the raised skin lines, dark on a scanner image) and
// valleys. Where a ridge ends or splits in two, it forms a minutia: a ridge ending or a
// bifurcation. A minutia has a position, a direction (the local ridge direction, pointing
// out of the ending or out along the stem of a fork) and a type. The set of minutiae of a
// finger is its template; two impressions of the same finger share most of their minutiae,
// up to a rotation, a translation, skin distortion and partial overlap.
//
// This package holds:
//
//   - Template and Minutia, and the ISO/IEC 19794-2:2005 finger-minutiae record codec
//     (EncodeISO, DecodeISO), so templates made by other vendors can be compared too;
//   - Packed, a compact byte form of a template for the 1:N gallery (5 bytes per minutia);
//   - Prepared, a template made ready for fast comparison: its minutiae normalised to
//     500 dpi and, per minutia, a Minutia Cylinder-Code (MCC, Cappelli, Maio, Maltoni 2010)
//     stored as bit vectors so local similarities are XOR/popcount operations;
//   - Comparator, the 1:1 comparison: local similarities of all minutia pairs, then a
//     relaxation that keeps only pairs consistent with each other (LSS-R); the pairs it
//     trusts most each propose a global alignment under which minutiae are paired one to
//     one, and the raw similarity in [0,1] is the geometric mean of the LSS-R score and
//     the best alignment's m²/((nA+6)·(nB+6)) (m paired minutiae, nA and nB minutiae in
//     the common area, 6 a pseudo-count that discounts small overlaps);
//   - calibration of raw similarities to false-match rates (FMRForScore, ThresholdForFMR)
//     and the evaluation figures of the FVC protocol (EER, FNMR at a given FMR).
//
// Typical use for 1:1 verification:
//
//	pa, pb := matcher.Prepare(ta), matcher.Prepare(tb)
//	var c matcher.Comparator // one per goroutine
//	if c.Compare(pa, pb) >= matcher.ThresholdForFMR(1e-4) { /* same finger */ }
//
// and for a gallery: store Pack(t) (5 bytes per minutia), prepare the probe once, and
// PreparePacked only the candidates that reach the precise comparison.
//
// Image processing (segmentation, orientation, enhancement, minutiae detection and image
// quality) lives in the sub-package matcher/extract, which depends on this package and not
// the other way round.
package matcher
