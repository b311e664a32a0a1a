/**
 * {@code confide cas ...} and {@code confide identity ...}: start a CAS, pin one by its key's
 * fingerprint, read and verify its audit log, and the user's TLS identity; and the CAS a run
 * starts inside the CLI when none is pinned ({@link dev.confide.cli.cas.EmbeddedCas}). Never
 * trusts a CAS whose key differs from the pin.
 */
package dev.confide.cli.cas;
