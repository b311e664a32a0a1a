/**
 * Evidence: what runs is measured ({@link dev.confide.attest.Measurer}), a provider produces
 * evidence binding that measurement to report data (a hash of the CAS's nonce and the runtime's
 * public keys), and {@link dev.confide.attest.EvidenceVerifier} checks evidence against what a
 * session accepts. The kinds of evidence are a closed set ({@link dev.confide.attest.Evidence});
 * {@code sim}: a per-host key signs the claims, with no hardware behind it; {@code snp} and
 * {@code tdx}: AMD SEV-SNP reports and Intel TDX quotes from configfs-tsm, verified ({@code snp},
 * {@code tdx} packages) against the vendors' pinned roots and the collateral an operator imported.
 *
 * <p>This module must never: accept simulated evidence unless the caller says the policy tolerates
 * simulation (no silent fallback), nor from a host key the caller does not name as trusted; accept
 * evidence whose report data differs from the expected value; reach the network for collateral
 * (an operator imports it); trust a root it did not pin; write a host key that group or others can read; depend on another Confide module.
 */
package dev.confide.attest;
