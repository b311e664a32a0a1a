/**
 * The session language: the YAML policies ("sessions") that say what may run, with which secrets,
 * volumes and attestation requirements, and who may read or change them.
 *
 * <p>{@link dev.confide.policy.SessionParser} turns text into a validated {@link
 * dev.confide.policy.Session}, or refuses it listing every problem with its line and column
 * ({@link dev.confide.policy.PolicyProblem}); it reads SCONE's v0.3 spellings (placeholders, host
 * inputs in {@link dev.confide.policy.HostInputs}, attestation shapes) with their meaning; {@link
 * dev.confide.policy.SessionTemplate} fills {@code $VAR} / {@code ${VAR}} before parsing; {@link
 * dev.confide.policy.SessionHash} computes the hash over the canonical form that {@code
 * predecessor} and pinned exports name. The language is specified in {@code
 * docs/session-language.md}.
 *
 * <p>This module must never: do network or file I/O of its own; generate or hold secret values
 * (a session only names them; the CAS generates them); put a secret {@code value}, a volume or tree key or a
 * {@code service_access_token} into an exception message, a {@code toString} or the canonical form
 * (the canonical form carries their SHA-256 only);
 * depend on any other Confide module.
 */
package dev.confide.policy;
