/**
 * The CAS client side: the user's identity (a key pair and self-signed certificate whose key hash
 * is the principal id), pinned CAS fingerprints, and {@link dev.confide.cas.client.CasClient},
 * which checks the pin on every connection.
 *
 * <p>This package must never: trust a CAS certificate that does not match its pin (no fallback to
 * the system trust store); write a private key into a file others can read; send a private key.
 */
package dev.confide.cas.client;
