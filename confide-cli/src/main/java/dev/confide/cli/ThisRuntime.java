package dev.confide.cli;

import dev.confide.attest.Measurer;
import java.io.IOException;

/** This process as a runtime: its measurer, over the code it runs from. */
final class ThisRuntime {
  private ThisRuntime() {}

  /** A measurer whose runtime digest covers every jar on this JVM's class path. */
  static Measurer measurer() {
    try {
      return new Measurer(Measurer.runtimeDigest(System.getProperty("java.class.path")));
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.IO, "runtime_unreadable", "cannot measure the runtime: " + e.getMessage(),
          "check the Confide installation");
    }
  }
}
