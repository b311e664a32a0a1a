/**
 * The runtime: the trusted part that runs on an untrusted host. It attests to the CAS, receives the
 * run's configuration sealed to its ephemeral key, opens each volume into private memory after
 * checking its tag against the CAS's, runs the program in a bubblewrap sandbox, then seals every
 * writable volume as its next generation and moves its tag at the CAS.
 *
 * <p>This module must never: take the command, its arguments or environment from the host; let a
 * host environment variable reach the program; put a secret into a log, an exception message or a
 * process argument; write plaintext anywhere but its private memory-backed staging area; leave that
 * area behind (on success, failure, Ctrl-C or SIGTERM; after SIGKILL its watchdog removes it); commit
 * a volume whose tag swap the CAS refused; start anything but the copy of the executable it measured;
 * follow a link when it writes into a staged volume or removes a tree; run the program as root or
 * with the host's secret files in view; run in a JVM that an agent, a preloaded library or a
 * loader variable could change.
 */
package dev.confide.runtime;
