package dev.confide.attest;

/** One step of verifying hardware evidence: what was checked, whether it held, and what was found. */
public record Check(String name, boolean passed, String detail) {}
