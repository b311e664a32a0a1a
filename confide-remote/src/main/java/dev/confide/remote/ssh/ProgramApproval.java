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
    return (host, application, reported) -> {
      java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(
          "Host " + host + " runs " + application + " as " + reported.executable() + ",",
          "  sha256 " + reported.executableDigest() + " (the host's own measurement)"
              + (reported.trees().isEmpty() ? "." : ", loading from")));
      reported.trees().forEach(t -> lines.add("  " + t.path() + " (tree sha256 " + t.digest() + ")"));
      lines.add("Confide cannot know whether that is the program you mean: compare it with the host's operator,");
      lines.add("or with the same package's files on a machine you trust ('confide measure' prints the same there).");
      return YesAtTerminal.ask(in, out, "Trust this program on " + host, lines.toArray(String[]::new));
    };
  }
}
