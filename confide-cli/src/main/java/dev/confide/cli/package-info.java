/**
 * The {@code confide} command: one picocli class per verb, grouped in packages by what they serve
 * — {@code volume} (the file shield: volumes and authenticated trees), {@code cas} (CAS servers,
 * pins, audit, the user's identity), {@code session} (session documents), {@code run} (runs, the
 * runtime and hosts), {@code daemon} (the user's warm Confide) — translating arguments into calls
 * on the library modules and their results into human lines or {@code --json}. This package holds
 * what they share: the entry point, exit codes, failures, output, progress, cancellation, the
 * user's folders.
 *
 * <p>This module must never: hold cryptographic or format logic of its own (that belongs in the
 * libraries); print a stack trace unless {@code --debug} is given; print, log or pass on the
 * command line any key material; exit with a code not listed in the README; let the daemon answer
 * anyone but its own user, or keep a run's keys or plaintext after the run.
 */
package dev.confide.cli;
