package dev.confide.cas.api;

/** The configuration, HPKE-sealed to the runtime's key (base64); only that runtime can open it. */
public record AttestResponse(String sealed) {}
