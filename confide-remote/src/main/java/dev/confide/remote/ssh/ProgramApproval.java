package dev.confide.remote.ssh;

import dev.confide.attest.Measurement;

/**
 * Whether the user trusts a program a remote host measured for an application, the first time
 * one is seen there: a one-method strategy like {@link UnknownHostKeys}. Never "accept": a
 * program nobody confirmed is refused.
 */
@FunctionalInterface
public interface ProgramApproval {
  boolean confirm(String host, String application, Measurement reported);

  /** Nobody is there to confirm: refused, with the command that confirms it. */
  ProgramApproval REFUSE = (host, application, reported) -> false;

  /** Asks at a terminal, showing what the host measured; only "yes" confirms it. */
  static ProgramApproval asking(java.io.BufferedReader in, java.io.PrintWriter out) {
    return (host, application, reported) -> YesAtTerminal.ask(in, out, "Trust this program on " + host,
        "Host " + host + " runs " + application + " as " + reported.executable() + ",",
        "  sha256 " + reported.executableDigest() + " (the host's own measurement).",
        "Confide cannot know whether that is the program you mean: compare it with the host's operator,",
        "or with the same package's file on a machine you trust.");
  }
}
