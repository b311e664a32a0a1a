/**
 * The CAS client side: the user's identity (a key pair and self-signed certificate whose key hash
 * is the principal id), pinned CAS fingerprints, and {@link dev.confide.cas.client.CasClient},
 * which checks the pin on every connection.
 *
 * A module of its own ({@code confide-cas-client}): runtimes use it without taking the CAS server
 * (Jetty, H2, PostgreSQL, Flyway, Micrometer) onto the untrusted host.
 *
 * <p>This package must never: trust a CAS certificate that does not match its pin (no fallback to
 * the system trust store); write a private key into a file others can read; send a private key;
 * depend on the CAS server.
 */
package dev.confide.cas.client;
