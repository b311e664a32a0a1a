/**
 * The {@code confide} command: one picocli class per verb, translating arguments into calls on
 * the library modules and their results into human lines or {@code --json}; and the user's daemon
 * ({@link dev.confide.cli.DaemonServer}), which runs {@code confide run} and the file shield's
 * command lines ({@link dev.confide.cli.DaemonCommands}) handed to it by a small client, warm.
 *
 * <p>This module must never: hold cryptographic or format logic of its own (that belongs in the
 * libraries); print a stack trace unless {@code --debug} is given; print, log or pass on the
 * command line any key material; exit with a code not listed in the README; let the daemon answer
 * anyone but its own user, or keep a run's keys or plaintext after the run.
 */
package dev.confide.cli;
