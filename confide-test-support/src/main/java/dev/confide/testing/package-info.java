/**
 * What the tests of several modules share: copying and removing trees as a host operator would
 * (links kept as links), listing a test's own private directories in a memory file system, and
 * the YAML of the one-service session most run tests create ({@link dev.confide.testing.SimSession}),
 * an SSH host on loopback ({@link dev.confide.testing.TestSshHost}, MINA SSHD's server), Debian's
 * real sshd logging in to an account of its own ({@link dev.confide.testing.OpenSshHost}), and the
 * CLI as a process of its own, as another account or at a pseudo-terminal ({@link dev.confide.testing.ChildCli}).
 * Depends on no Confide module, so that every module's tests may use it; used in test scope only,
 * it must never be a dependency of a main class path.
 */
package dev.confide.testing;
