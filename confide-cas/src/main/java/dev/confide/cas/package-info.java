/**
 * The Configuration and Attestation Service: the one trusted party. It keeps sessions (policies),
 * generates and keeps secrets and volume keys encrypted under its master key, tracks each volume's
 * current tag with compare-and-swap, and appends every change to a hash-chained, signed audit log.
 *
 * <p>{@link dev.confide.cas.CasServer} serves the HTTPS API (TLS 1.3, client certificates name
 * principals) over a {@link dev.confide.cas.CasService}, which enforces the rules, over a {@link
 * dev.confide.cas.CasStore} on H2 (default) or PostgreSQL. The API is specified in {@code
 * docs/cas-api.md}.
 *
 * <p>This package must never: return a secret value to anyone but an attested runtime of its
 * session (or of a session importing the service whose definition names it, on evidence that
 * meets the exporter's rules too; an {@code export_public} certificate or OpenPGP public key is public, a private key never); return a volume key to anyone but such a runtime or a principal that may update the
 * session owning the volume (never to an importer); store a secret or key unencrypted, or a service access token at all (its digest only); log or put into an error body a
 * secret, a key or a session's secret values; tell anyone without a trusted host key whether a
 * session exists or what it runs; honour a run token without its run's signature, twice for one
 * volume, for a read-only volume, or after its run ended; let a rollback-protected volume return to
 * a tag it held; attest a second live run of a singleton service; start a service or open a volume
 * that SCONE's file shield protects (it cannot honour it); depend on the runtime or the CLI.
 */
package dev.confide.cas;
