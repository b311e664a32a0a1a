package dev.confide.policy;

/** One thing wrong with a bound session: where (a JSON pointer), what, and what to change. */
record SessionProblem(String pointer, String message, String hint) {}
