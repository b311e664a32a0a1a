/**
 * {@code confide volume ...} and {@code confide tree ...}: the file shield's commands (seal, open,
 * verify, update, show, the walkthrough demo; authenticate and verify trees). They call
 * {@code confide-volume} and print; never a format detail of their own, never a key on the
 * command line or in output (keys travel in 0600 files).
 */
package dev.confide.cli.volume;
