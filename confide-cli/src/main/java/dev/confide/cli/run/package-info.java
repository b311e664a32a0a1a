/**
 * {@code confide run}, {@code confide demo}, {@code confide runtime run}, {@code confide host ...}
 * and {@code confide measure}: options parsed and reports printed; the run itself is
 * {@code confide-remote}'s ({@link dev.confide.remote.ApplicationRun} on a
 * {@link dev.confide.remote.Host}), the runtime a process of its own started from its
 * distribution. Never runs the runtime inside this process, never hands it the user's identity.
 */
package dev.confide.cli.run;
