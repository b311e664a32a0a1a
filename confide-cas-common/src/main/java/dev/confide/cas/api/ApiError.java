package dev.confide.cas.api;

/** Every refusal: a short code, one line saying what went wrong, one line saying what to change. */
public record ApiError(String error, String message, String hint) {}
