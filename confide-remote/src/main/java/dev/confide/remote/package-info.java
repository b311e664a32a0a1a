/**
 * The client side of a run: a {@link dev.confide.remote.Host} is where a runtime runs (this
 * machine, {@link dev.confide.remote.LocalHost}; a remote one over SSH,
 * {@link dev.confide.remote.ssh.SshHost}), and
 * {@link dev.confide.remote.ApplicationRun} runs an application on one: seal the inputs on the
 * user's machine, create the run's session, have the host start the runtime and stream its
 * events, check the committed tag with the CAS, unseal the outputs. {@link dev.confide.remote.Podman}
 * runs a converted image's service under this machine's podman instead.
 *
 * <p>This module must never: hand a host a key, a tag the CAS did not commit, or the user's
 * identity (a runtime reaches the CAS as an anonymous client that pins its key); run the runtime
 * inside the user's process; trust what a host's runtime reports over what the CAS committed;
 * depend on the CAS server or the CLI; leave plaintext or a run directory behind when a run fails
 * or is cancelled.
 */
package dev.confide.remote;
