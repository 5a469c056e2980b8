// Package gallery is the 1:N fingerprint search of an enrollment station: "is this applicant
// already registered?", asked of the station's cached slice of the register while the
// applicant waits.
//
// Comparing a probe with every enrolled finger precisely is far too slow at register scale
// (a million persons × ten fingers is ten million comparisons), so a search has two stages:
//
//   - Stage 1 scans a 512-bit code per enrolled finger (see NewCode): a set of quantised,
//     rotation- and translation-invariant minutia-pair features hashed into bits. Codes are
//     laid out person-major (a person's ten codes are 640 contiguous bytes), so the scan
//     streams memory linearly with AND+popcount on all cores and keeps the persons whose
//     fused code similarity (a sum of z-scores of common bits, see codeScore) is highest.
//   - The codes alone rank mates too coarsely (real two-finger mates within the first few
//     percent of a large gallery, synthetic ten-finger mates at a million persons within
//     the first few hundred), so stage 1 keeps a screen of persons (for one or two fingers
//     a twentieth of the gallery, 2 000–20 000, plus each finger's own best quarter; for
//     more fingers a two-thousandth, 60–3 000) and pose voting (see posevote.go) ranks
//     those by how many minutia pairs agree on one placement of the candidate's finger on
//     the probe (on the probe's three richest fingers), keeping the best K (100 for one or
//     two fingers, 6 for more) for stage 2.
//   - Stage 2 compares the probe precisely (matcher.Comparator, MCC with relaxation) with
//     those K persons only. Their Packed templates are prepared on demand; for probes of
//     more than three fingers a first pass uses the three probe fingers with the richest
//     codes and only the best two persons are compared on all fingers; probes of one or
//     two fingers are compared on every finger with every candidate.
//
// Scores of a person's fingers are fused through their false-match rates (FusedFMR: the
// product of the per-finger rates, corrected for the number of fingers), and the hit / no-hit
// decision compares the best candidate's estimated false-positive identification rate
// (gallery size × fused FMR) with a target FPIR. Probe fingers are compared with the enrolled
// finger of the same ISO position; a probe finger of unknown position (0) is compared with
// all of the person's fingers and the best counts, its FMR multiplied by the number compared.
//
// The gallery is split into shards, each publishing an immutable view through an atomic
// pointer; writers append and swap (copy-on-write tombstones, compaction per shard), so
// updates from the register-slice sync (Upsert and Delete, which satisfy sync.GallerySink
// structurally) never block or tear a running search. WriteSnapshot and ReadSnapshot store
// the gallery, codes included, in a flat checksummed stream that loads at disk speed;
// OpenSnapshotFile maps a snapshot file and keeps its templates where they lie. A snapshot
// holds templates in the clear: the daemon seals its snapshots of register data under the
// station key (package sync) and loads them as streams; plain files are for synthetic
// galleries (enrollctl synth gallery).
package gallery
