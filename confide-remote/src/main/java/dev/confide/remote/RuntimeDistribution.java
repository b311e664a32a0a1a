package dev.confide.remote;

import dev.confide.attest.Measurer;
import dev.confide.runtime.RuntimeDigest;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime as it is deployed (docs/runtime.md, "The runtime's distribution"): {@code lib/}
 * with {@code confide-runtime.jar} and the jars its manifest names, {@code jvm.args} (the JVM's
 * options), and a {@code jre/} of its own made by jlink, so that a host needs no Java. Without
 * {@code jre/} (a build that skipped jlink, the tests) it runs on the Java at {@code javaHome}.
 */
public record RuntimeDistribution(Path home, Path javaHome) {
  /** The distribution at {@code home}, on its own {@code jre/} if it has one, else on this JVM's Java. */
  public static RuntimeDistribution at(Path home) {
    if (!Files.isRegularFile(home.resolve("lib").resolve("confide-runtime.jar"))) {
      throw new JobException(ExitCodes.CONFIG, "no_runtime", "no runtime distribution at " + home
          + " (it has no lib/confide-runtime.jar)", "build it: run Confide through ./confide, or './mvnw package'");
    }
    Path own = home.resolve("jre");
    return new RuntimeDistribution(home, Files.isExecutable(own.resolve("bin").resolve("java")) ? own
        : Path.of(System.getProperty("java.home")));
  }

  public Path jar() {
    return home.resolve("lib").resolve("confide-runtime.jar");
  }

  /** The Java that runs it. */
  public Path java() {
    return javaHome.resolve("bin").resolve("java");
  }

  /** What its measurement covers, digested ({@link RuntimeDigest}). */
  public String digest() throws IOException {
    return RuntimeDigest.of(jar(), javaHome);
  }

  /** A measurer whose runtime digest is this distribution's. */
  public Measurer measurer() throws IOException {
    return new Measurer(digest());
  }

  /** The command line that starts {@code confide-runtime} with {@code arguments}, its JVM with {@code jvmOptions} too. */
  public List<String> command(List<String> jvmOptions, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(java().toString());
    Path args = home.resolve("jvm.args");
    if (Files.isRegularFile(args)) {
      command.add("@" + args);
    }
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(arguments);
    return command;
  }
}
