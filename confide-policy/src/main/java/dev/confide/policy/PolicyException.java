package dev.confide.policy;

import java.util.List;

/**
 * A session text that cannot be accepted, with every problem found in it ({@link #problems()},
 * sorted by place). The message names the first problem's place ({@code file:line:column}) and
 * what is wrong, and counts the others; {@link #hint()} says what to change for the first.
 */
public final class PolicyException extends Exception {
  /** The most problems one refusal lists; the others are counted. */
  public static final int MAX_PROBLEMS = 25;

  private final String hint;
  private final List<PolicyProblem> problems;
  private final int more;

  public PolicyException(String message, String hint) {
    super(message);
    this.hint = hint;
    this.problems = List.of(new PolicyProblem(null, message, hint));
    this.more = 0;
  }

  /** A refusal listing {@code problems} (at least one, sorted), of which {@code more} further ones are left out. */
  public PolicyException(List<PolicyProblem> problems, int more) {
    super(problems.getFirst() + (problems.size() + more == 1 ? "" : " (and " + (problems.size() + more - 1) + " more problems)"));
    this.hint = problems.getFirst().hint();
    this.problems = List.copyOf(problems);
    this.more = more;
  }

  public String hint() {
    return hint;
  }

  /** The problems listed, sorted by place, at most {@link #MAX_PROBLEMS}. */
  public List<PolicyProblem> problems() {
    return problems;
  }

  /** How many problems were found beyond those listed. */
  public int unlisted() {
    return more;
  }
}
