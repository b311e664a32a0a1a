/**
 * What the CAS and its clients share: the error type every refusal travels as ({@link
 * dev.confide.cas.common.CasException}), TLS identities and their PEM files, key digests (how
 * principals and pins name keys), owner-only private files, the run proof a runtime signs and the
 * CAS checks, and the HPKE contexts of sealed answers. The wire records are in {@code
 * dev.confide.cas.api}.
 *
 * <p>This module must never: depend on the CAS server, its storage or HTTP server, the runtime or
 * the CLI; hold a rule of the CAS (who may do what lives in the server).
 */
package dev.confide.cas.common;
