package dev.confide.cli.daemon;

import java.util.List;
import java.util.Set;

/**
 * The command lines a daemon serves: runs (on the local host, or a remote one with the client's
 * ssh-agent and no question asked: an unknown host key or program is refused with the command
 * that confirms it), and the file shield's commands, which need no terminal
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
      case "run" -> true;
      case "volume" -> VOLUME.contains(sub);
      case "tree" -> TREE.contains(sub);
      default -> false;
    };
  }

  /** What the daemon says when it refuses a command line. */
  static final String REFUSAL = "the daemon serves only 'confide run', 'confide volume seal|open|verify|update|show'"
      + " and 'confide tree authenticate|verify'";
}
