package dev.confide.cli.run;

import dev.confide.attest.Measurer;
import dev.confide.cli.CliFailure;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Install;
import dev.confide.remote.RuntimeDistribution;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The runtime this Confide starts: its distribution (system property {@code confide.runtime.dist},
 * else {@code confide-runtime/target/dist} of the installation) and a measurer over it.
 */
public final class ThisRuntime {
  private ThisRuntime() {}

  public static RuntimeDistribution distribution() {
    String given = System.getProperty("confide.runtime.dist");
    Path home = given != null ? Path.of(given) : Install.home().map(h -> h.resolve("confide-runtime/target/dist"))
        .orElseThrow(() -> new CliFailure(ExitCodes.CONFIG, "no_runtime", "cannot find Confide's runtime (system property"
            + " confide.home is not set)", "run Confide through the ./confide launcher"));
    return RuntimeDistribution.at(home);
  }

  /** A measurer whose runtime digest covers the distribution's jars, its Java's modules and its AOT cache. */
  static Measurer measurer(RuntimeDistribution runtime) {
    try {
      return runtime.measurer();
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.IO, "runtime_unreadable", "cannot measure the runtime: " + e.getMessage(),
          "check the Confide installation");
    }
  }
}
