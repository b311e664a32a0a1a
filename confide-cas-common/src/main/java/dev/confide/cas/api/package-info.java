/**
 * The wire types of the CAS API: JSON bodies shared by the server and its client. Plain records,
 * no behaviour. Two records carry secrets. {@link dev.confide.cas.api.RunConfiguration} (secret
 * values, volume keys, the run token) never travels in clear: the CAS seals it to the attested
 * runtime's key (as it seals {@link dev.confide.cas.api.RunPlan}), and it exists in clear only in
 * the CAS and in that runtime's memory. {@link dev.confide.cas.api.VolumeKey} is one of a
 * session's own volumes' keys, released over mutually authenticated TLS only to a principal who
 * may update that session (its owner), never for a volume imported from another session. No
 * other record carries a secret. Keys and tags are typed
 * ({@code SymmetricKey}, {@code Tag}); they become hex only in the serialiser
 * ({@link dev.confide.cas.api.WireTypes}), which every mapper of these records registers.
 */
package dev.confide.cas.api;
