/**
 * SSH for remote hosts (issue 15), on Apache MINA SSHD: who the host is. A host key is checked
 * against {@code known_hosts} as OpenSSH checks it ({@link dev.confide.remote.ssh.KnownHostsPolicy}),
 * and an unknown one is decided by a one-method strategy ({@link dev.confide.remote.ssh.UnknownHostKeys}).
 *
 * <p>This package must never: accept a host key nobody confirmed (MINA's default verifier accepts
 * every key; it is never used); accept a changed or revoked key; write a host name in clear into
 * {@code known_hosts} (entries are hashed, as {@code HashKnownHosts yes} writes them).
 */
package dev.confide.remote.ssh;
