// Package firmware updates the firmware of capture devices safely.
//
// Capture devices at hundreds of desks need firmware updates that cannot brick them,
// cannot be forged and cannot be rolled back to a vulnerable version. The rules follow
// fwupd's:
//
//   - A Bundle is a signed manifest plus a payload. The manifest names the devices it fits
//     (USB runtime and DFU-mode ids), the update protocol, the new version, the lowest
//     version the device may ever run afterwards, and the payload's size and SHA-256. An
//     Ed25519 signature over the manifest's canonical encoding is checked against keys
//     pinned in the daemon's configuration.
//   - Before a device is touched, Check verifies signature, hash, size, device ids,
//     protocol, that the version is newer than the installed one and not below the lowest
//     version the device has ever been allowed (anti-rollback: nothing overrides it), and
//     that the device is not busy capturing.
//   - Every step is written to a Journal, so a daemon restarted mid-update resumes the
//     update or recovers a device left in DFU mode, and the journal doubles as the audit
//     trail of who updated what, when, from which version to which.
//
// Plain DFU files (a payload with the 16-byte DFU suffix, CRC-checked) can be applied by a
// technician only where the configuration allows unsigned updates.
//
// The USB Device Firmware Upgrade 1.1 host lives in package firmware/dfu, and an emulated
// DFU device for tests and demos in firmware/emu.
package firmware
