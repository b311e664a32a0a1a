package dev.confide.cas.api;

/**
 * What a runtime must measure for a session's service: the executable its command starts and the
 * PATH it is looked up in. Sealed to the runtime's key and released only after evidence from a
 * trusted host, so nobody else learns what a session runs, or whether it exists.
 */
public record RunPlan(String executable, String path) {}
