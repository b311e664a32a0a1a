/**
 * Remote hosts over SSH, on Apache MINA SSHD: who the host is, how it is reached and how a run
 * goes there. A host key is checked against {@code known_hosts} as OpenSSH checks it
 * ({@link dev.confide.remote.ssh.KnownHostsPolicy}), an unknown one decided by a one-method
 * strategy ({@link dev.confide.remote.ssh.UnknownHostKeys}); {@link dev.confide.remote.ssh.SshConnection}
 * logs in (through jump hosts), {@link dev.confide.remote.ssh.SshHost} runs there (SFTP for the
 * ciphertext, an exec channel for the runtime), and the program a host measures for an application
 * is checked against the one the user confirmed ({@link dev.confide.remote.ssh.ConfirmedPrograms}).
 * A long-lived process (the daemon) keeps a host's connection and the next run's runtime there
 * between runs ({@link dev.confide.remote.ssh.KeptHosts}); {@link dev.confide.remote.ssh.HostCheck}
 * reports what a host offers, its Blender's capabilities among it.
 *
 * <p>This package must never: accept a host key nobody confirmed (MINA's default verifier accepts
 * every key; it is never used); accept a changed or revoked key; write a host name in clear into
 * {@code known_hosts} (entries are hashed, as {@code HashKnownHosts yes} writes them); open a port
 * on a host's interfaces or accept a forwarded channel this client did not ask for; forward the
 * user's agent; send a host plaintext, a key, or a program measurement of this machine's own;
 * hand a kept connection to a run whose host profile, known-hosts files or confirmed key differ
 * from those it was checked against.
 */
package dev.confide.remote.ssh;
