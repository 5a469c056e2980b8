// Package enroll is the enrollment workflow of a station, as a state machine that knows
// nothing of HTTP, devices or storage.
//
// An enrollment belongs to a case: the application's receipt number (whose first eight
// digits are the registration date, YYYYMMDD), the application type and the applicant's
// name and date of birth as the case gives them. A Profile, chosen by the application type
// in the configuration, says what the case needs: which fingers (by ISO/IEC 19794-4 finger
// position, 1 right thumb … 10 left little), a face photograph, a signature.
//
// A Session walks the steps in order:
//
//	face → fingers → signature → search → review → committed
//
// skipping those the profile does not ask for. The caller captures from the devices and
// hands the results in (SubmitFace, SubmitFinger, SubmitSignature); the session applies the
// gates:
//
//   - face: the photo passes the FaceChecker's ICAO-style checks or is refused with reasons;
//   - fingers: each finger gets up to MaxAttempts captures; one reaching MinQuality is kept
//     at once, otherwise the best of the attempts is kept; every new finger is compared with
//     those already captured in this session to catch the same finger given twice; a
//     missing or injured finger is an Exception with a reason code (ANSI/NIST-ITL AMP codes
//     XX amputated, UP unable to print);
//   - signature: checked for usability (capture/signature); "unable to sign" is an
//     Exception;
//   - search: a 1:N search through a Searcher; a hit needs the officer's decision, reuse of
//     the registered subject or a new registration with a justification;
//   - review and commit: every Exception must have been approved by a supervisor other than
//     the officer who runs the enrollment (four eyes); the session builds the ANSI/NIST-ITL
//     transaction (TransactionBuilder) and hands it to the Outbox, whose commit is atomic.
//
// Audit and transaction boundaries: every action before the commit (start, face accepted or
// rejected, finger kept or rejected, exceptions raised and approved, signature, search and its
// decision, redo, cancel) has no durable effect of its own: its only durable trace is its audit
// event. The session records that event through the Auditor (in its own storage transaction)
// under the session lock, before it changes anything others can see; if the Auditor fails the
// action does not happen. So an action takes effect if and only if its event is durable. The
// commit is the one action with a durable effect, the packet: its "committed" event travels in
// Packet.Audit and the Outbox writes it in the same transaction as the packet. Every step can be
// retried until the commit, and the session can be cancelled. Nothing else is persisted before
// the commit, so a crash loses only the enrollment in progress and never leaves half a packet.
package enroll
