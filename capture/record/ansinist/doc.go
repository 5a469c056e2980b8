// Package ansinist reads and writes ANSI/NIST-ITL 1-2011 transactions (NIST SP 500-290,
// Update 2015) in the traditional encoding, the format police, immigration and border
// systems exchange biometric enrollments in.
//
// # The traditional encoding
//
// A transaction is a sequence of logical records. The first is always a Type-1
// (transaction information) record; its content field 1.003 (CNT) lists the type and
// information designation character (IDC) of every record that follows, in file order.
// Most records are "tagged": ASCII fields written as
//
//	<type>.<field>:<value><GS>...<type>.<field>:<value><FS>
//
// where a value is split into repeated subfields by RS (0x1E) and subfields into
// information items by US (0x1F); GS (0x1D) ends a field and FS (0x1C) the record. The
// first field, <type>.001 (LEN), is the byte length of the whole record including LEN
// itself and the final FS, so a writer finds it as a fixed point: adding a digit to LEN
// may itself lengthen the record. Old files use two-digit field numbers ("1.01:"); both
// forms are read and the form read is written back. Field <type>.999 of image records
// holds raw binary data (a JPEG, a WSQ file, ...) that may contain any byte, separators
// included; it is always the last field and is delimited by LEN, never by scanning.
//
// Types 3, 4, 5, 6 and 7 (legacy fingerprint images) and 8 (signature) are binary: a
// big-endian header whose first four bytes are the record length, then image data, and
// no separators at all. Their type is known only from the Type-1 content listing, which
// is why a reader must parse CNT before it can read anything else.
//
// # This package
//
// [Transaction], [Record] and [Field] form a generic, lossless model: every field keeps
// its order, its tag width and its items as read, so re-encoding a parsed file gives the
// input back byte for byte (LEN is always recomputed). [NewReader] reads records one at a
// time from any io.Reader; [Read] and [Unmarshal] read a whole transaction;
// [Transaction.WriteTo] and [Transaction.Marshal] write one. [Dump] prints a transaction in
// NBIS an2k2txt's "record.field.subfield.item [type.field]=value" form.
//
// Typed helpers build and read the records an enrollment station produces: [Header]
// (Type-1: version 0400/0500/0502, dates, ORI/TCN, resolutions NSR/NTR, DCS),
// [UserDefined] with an application [Profile] (Type-2), [LegacyFingerprint] (Type-4),
// [Signature] (Type-8, scanned or vector), [Minutiae378] (Type-9 INCITS 378 block
// 9.126–9.140), [FaceImage] (Type-10) and [FrictionRidgeImage] (Types 13 and 14, with
// NFIQ and other quality metrics in 14.022–14.024).
//
// Every violation of the format is reported as an [*Error] naming the record, the field
// and the byte offset, wrapping one of the package's sentinel errors.
package ansinist
