package dev.confide.cli.daemon;

import java.util.List;
import java.util.Set;

/**
 * The command lines a daemon serves: runs on the local host, and the file shield's commands, which need no terminal
 * (no prompts, no standard input) and gain most from a warm JVM (AES-GCM compiled, classes
 * loaded). Everything else — servers such as {@code cas start}, prompts, the daemon's own
 * commands — runs in a JVM of its own. The launcher's {@code daemon_serves} must say the same
 * (DaemonCommandsTest holds the two together).
 */
public final class DaemonCommands {
  private static final Set<String> VOLUME = Set.of("seal", "open", "verify", "update", "show");
  private static final Set<String> TREE = Set.of("authenticate", "verify");

  private DaemonCommands() {}

  /** Whether {@code args} is a command line the daemon serves. */
  static boolean served(List<String> args) {
    if (args.isEmpty()) {
      return false;
    }
    String sub = args.size() > 1 ? args.get(1) : "";
    return switch (args.getFirst()) {
      case "run" -> !remoteHost(args);
      case "volume" -> VOLUME.contains(sub);
      case "tree" -> TREE.contains(sub);
      default -> false;
    };
  }

  /**
   * Whether a run names a host other than {@code local}: it gets a JVM of its own, which may ask at
   * the user's terminal (a host key, a program to confirm) and logs in with the shell's ssh-agent.
   */
  private static boolean remoteHost(List<String> args) {
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--host") && i + 1 < args.size() && !args.get(i + 1).equals("local")
          || a.startsWith("--host=") && !a.equals("--host=local")) {
        return true;
      }
    }
    return false;
  }

  /** What the daemon says when it refuses a command line. */
  static final String REFUSAL = "the daemon serves only 'confide run', 'confide volume seal|open|verify|update|show'"
      + " and 'confide tree authenticate|verify'";
}
