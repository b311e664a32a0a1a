/**
 * The runtime: the trusted part that runs on an untrusted host. It attests to the CAS, receives the
 * run's configuration sealed to its ephemeral key, opens each volume into private memory after
 * checking its tag against the CAS's, runs the program in a bubblewrap sandbox, then seals every
 * writable volume as its next generation and moves its tag at the CAS.
 *
 * <p>This module must never: take the command, its arguments or environment from the host; let a
 * host environment variable reach the program; put a secret into a log, an exception message or a
 * process argument; write plaintext anywhere but its private memory-backed staging area; leave that
 * area behind (on success, failure, Ctrl-C or SIGTERM); commit a volume whose tag swap the CAS refused.
 */
package dev.confide.runtime;
