package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A runtime's request for its configuration: which session and service, the nonce it was given,
 * its evidence (wire form of its platform) and its ephemeral public key (a Tink HPKE public
 * keyset, base64) to which the configuration is sealed.
 */
public record AttestRequest(
    String session,
    String service,
    String nonce,
    String platform,
    String evidence,
    @JsonProperty("runtime_key") String runtimeKey) {}
