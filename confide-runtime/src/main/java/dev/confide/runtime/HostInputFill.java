package dev.confide.runtime;

import dev.confide.policy.HostInputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Puts what the host gave into the places the session keeps for it ({@link HostInputs}): the
 * command's {@code @@N} words and the environment's {@code \@\@NAME} variables. The host's values
 * go in as they are, never through secret substitution (a host argument holding
 * {@code $$CONFIDE::key$$} stays that text: the host cannot pull a secret into the program's
 * arguments, which it can read). A value the session takes and the host left out, or one the host
 * gave and the session does not take, refuses the run before the program starts.
 */
final class HostInputFill {
  private HostInputFill() {}

  /** The command's words, secrets substituted in the session's words and host arguments put in their places. */
  static List<String> command(List<String> words, List<String> given, SecretSubstitution secrets, String service) {
    List<String> command = new ArrayList<>();
    int taken = 0;
    for (String word : words) {
      OptionalInt n = HostInputs.argument(word);
      if (n.isEmpty()) {
        command.add(secrets.apply(word, "the command"));
        continue;
      }
      taken = Math.max(taken, n.getAsInt());
      if (n.getAsInt() > given.size()) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "service " + service + " takes host argument " + word
            + ", and the host gave " + count(given.size(), "host argument"),
            "give it with --host-arg VALUE (one per position, in order)");
      }
      command.add(given.get(n.getAsInt() - 1));
    }
    if (given.size() > taken) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "service " + service + " takes " + count(taken, "host argument")
          + " (@@N in its command), and the host gave " + given.size(), taken == 0 ? "leave --host-arg out"
          : "give exactly " + taken + " --host-arg values");
    }
    return command;
  }

  /** The session's environment, secrets substituted in its values and host variables filled from {@code given}. */
  static Map<String, String> environment(Map<String, String> session, Map<String, String> given, SecretSubstitution secrets,
      String service) {
    Map<String, String> env = new LinkedHashMap<>();
    TreeSet<String> taken = new TreeSet<>();
    for (Map.Entry<String, String> e : session.entrySet()) {
      var fromHost = HostInputs.variable(e.getKey());
      if (fromHost.isEmpty()) {
        env.put(e.getKey(), secrets.apply(e.getValue(), "environment variable " + e.getKey()));
        continue;
      }
      String name = fromHost.get();
      taken.add(name);
      String value = given.get(name);
      if (value == null) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "service " + service + " takes environment variable " + name
            + " from the host, and the host gave none", "give it with --host-env " + name + "=VALUE");
      }
      env.put(name, value);
    }
    for (String name : new TreeSet<>(given.keySet())) {
      if (!taken.contains(name)) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "service " + service + " does not take environment variable "
            + name + " from the host" + (taken.isEmpty() ? "" : " (it takes " + String.join(", ", taken) + ")"),
            "leave --host-env " + name + " out; only the session's \\@\\@NAME variables come from the host");
      }
    }
    return env;
  }

  private static String count(int n, String what) {
    return n == 0 ? "no " + what + "s" : n + " " + what + (n == 1 ? "" : "s");
  }
}
