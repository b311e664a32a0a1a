package dev.confide.cli;

/**
 * What a process knows about how the user started it: when the launcher began, and whether its
 * standard error is a terminal. Shared by the daemon's client, which must load nothing beyond the
 * client jar, and by {@link Invocation}.
 */
public final class LaunchFacts {
  private LaunchFacts() {}

  /** When the launcher started (it says so, to the millisecond), else when this JVM started. */
  public static long launcherStartMillis() {
    String launched = System.getProperty("confide.launched.ms");
    if (launched != null && launched.matches("\\d{10,}")) {
      return Long.parseLong(launched);
    }
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
  }

  /**
   * Whether this process runs at a terminal, which decides progress bars (drawn on standard error):
   * {@link java.io.Console#isTerminal()}, true when standard input and output are a terminal.
   */
  public static boolean stderrIsTerminal() {
    // Since JDK 22 System.console() exists even when output is redirected; ask whether it is a terminal.
    java.io.Console console = System.console();
    return console != null && console.isTerminal();
  }
}
