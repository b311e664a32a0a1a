/**
 * The user's warm Confide: {@link dev.confide.cli.daemon.DaemonServer} runs {@code confide run}
 * and the file shield's command lines ({@link dev.confide.cli.daemon.DaemonCommands}) handed to
 * it by {@link dev.confide.cli.daemon.DaemonClient}, a small JVM of its own jar; it keeps one
 * spare runtime warm. Answers only its own user; keeps no key or plaintext between runs.
 */
package dev.confide.cli.daemon;
