/**
 * The file shield: sealing a directory tree into an encrypted, rollback-detectable volume, and
 * integrity-checking a plaintext tree (an application's {@code /usr}) against a MACed manifest.
 *
 * <p>The entry points are {@link dev.confide.volume.VolumeSealer} (seal, update), {@link
 * dev.confide.volume.VolumeReader} (verify, open), {@link dev.confide.volume.VolumeInspector}
 * (non-secret facts), {@link dev.confide.volume.TreeAuthenticator} and {@link
 * dev.confide.volume.TreeVerifier} (authenticated trees), {@link dev.confide.volume.TreeBuilder} (the
 * same manifest from a stream of entries, e.g. an image's layers). The on-disk format is specified in {@code
 * docs/volume-format.md}.
 *
 * <p>This module must never: do I/O beyond the files it is pointed at; write a byte of plaintext
 * into a destination before every byte of the volume has been authenticated; follow a symbolic
 * link while writing; put key material into an exception message, a log line or a {@code
 * toString}; depend on any other Confide module.
 */
package dev.confide.volume;
