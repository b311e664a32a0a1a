package dev.confide.cas.api;

/** The answer to a session create or update: the session's name and its new hash. */
public record SessionReceipt(String name, String hash, String predecessor) {}
