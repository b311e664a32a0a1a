package dev.confide.cli;

import dev.confide.attest.Measurer;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What one command line runs with besides its words: the user's folders, the directory its
 * relative paths mean (null: this process's own), when the user's command started, this process's
 * measurer, and how it is stopped. A JVM started for one command has one; the daemon makes one per
 * request, from what its client sends.
 */
record Invocation(ConfideDirs dirs, Path cwd, long launchedAtMillis, Supplier<Measurer> measurer, Cancellation cancellation) {

  /** This JVM, started for one command: folders from {@code env}, paths from its own directory. */
  static Invocation ofThisProcess(ConfideDirs dirs) {
    return new Invocation(dirs, null, launcherStartMillis(), ThisRuntime::measurer, new Cancellation());
  }

  /** A path the user typed, relative to where the user typed it. */
  Path path(String typed) {
    Path p = Path.of(typed);
    return cwd == null || p.isAbsolute() ? p : cwd.resolve(p);
  }

  /** When the launcher started (it says so, to the millisecond), else when this JVM started. */
  static long launcherStartMillis() {
    String launched = System.getProperty("confide.launched.ms");
    if (launched != null && launched.matches("\\d{10,}")) {
      return Long.parseLong(launched);
    }
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
  }
}
