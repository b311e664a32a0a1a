package dev.confide.remote;

import dev.confide.attest.Measurer;
import dev.confide.runtime.ExitCodes;
import dev.confide.runtime.RuntimeDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime as it is deployed (docs/runtime.md, "The runtime's distribution"): {@code lib/}
 * with {@code confide-runtime.jar} and the jars its manifest names, {@code jvm.args} (the JVM's
 * options), a {@code jre/} of its own made by jlink, so that a host needs no Java, and
 * {@code runtime.aot}, an ahead-of-time cache of the classes a run loads, recorded once. Without
 * {@code jre/} (a build that skipped jlink, the tests) it runs on the Java at {@code javaHome}.
 * Which files it runs from is fixed when it is found, so that its measurement and the runtimes it
 * starts agree even when a cache appears later.
 */
public final class RuntimeDistribution {
  /** The file name of the ahead-of-time cache in a distribution. */
  public static final String AOT_CACHE = "runtime.aot";
  /** Set to {@code true} to have the next runtime started record the cache (./confide does, once per build). */
  public static final String RECORD_PROPERTY = "confide.runtime.record-aot";

  private final Path home;
  private final Path javaHome;
  private final Path aotCache;
  private Measurer measurer;

  private RuntimeDistribution(Path home, Path javaHome, Path aotCache) {
    this.home = home;
    this.javaHome = javaHome;
    this.aotCache = aotCache;
  }

  /** The distribution at {@code home}, on its own {@code jre/} if it has one, else on this JVM's Java. */
  public static RuntimeDistribution at(Path home) {
    Path jar = home.resolve("lib").resolve("confide-runtime.jar");
    if (!Files.isRegularFile(jar)) {
      throw new JobException(ExitCodes.CONFIG, "no_runtime", "no runtime distribution at " + home
          + " (it has no lib/confide-runtime.jar)", "build it: run Confide through ./confide, or './mvnw package'");
    }
    Path own = home.resolve("jre");
    Path javaHome = Files.isExecutable(own.resolve("bin").resolve("java")) ? own : Path.of(System.getProperty("java.home"));
    Path cache = home.resolve(AOT_CACHE);
    boolean fresh = Files.isRegularFile(cache) && newer(cache, jar) && newer(cache, javaHome.resolve("release"));
    return new RuntimeDistribution(home, javaHome, fresh ? cache : null);
  }

  private static boolean newer(Path file, Path than) {
    try {
      return !Files.exists(than) || Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(than)) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  public Path home() {
    return home;
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
    return RuntimeDigest.of(jar(), javaHome, aotCache);
  }

  /**
   * The digest this distribution has on another host, when that is known here: with a {@code jre/}
   * of its own, which travels with it (the AOT cache does not). Empty without one: the host's own
   * Java runs it there, and only the host can measure that.
   */
  public java.util.Optional<String> shippedDigest() throws IOException {
    Path own = home.resolve("jre");
    return Files.isExecutable(own.resolve("bin").resolve("java"))
        ? java.util.Optional.of(DistributionCache.get(home, "shipped-digest", () -> RuntimeDigest.of(jar(), own, null)))
        : java.util.Optional.empty();
  }

  /** A measurer whose runtime digest is this distribution's, made once (it remembers the executables it hashed). */
  public synchronized Measurer measurer() throws IOException {
    if (measurer == null) {
      measurer = new Measurer(digest());
    }
    return measurer;
  }

  /** The command line that starts {@code confide-runtime} with {@code arguments}, its JVM with {@code jvmOptions} too. */
  public List<String> command(List<String> jvmOptions, List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(java().toString());
    Path args = home.resolve("jvm.args");
    if (Files.isRegularFile(args)) {
      command.add("@" + args);
    }
    if (aotCache != null) {
      command.add("-XX:AOTCache=" + aotCache);
      command.add("-D" + RuntimeDigest.AOT_CACHE_PROPERTY + "=" + aotCache);
    } else if (Boolean.getBoolean(RECORD_PROPERTY)) {
      // classes only: method profiles from one run made the JIT trust them (docs/benchmarks.md)
      command.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining",
          "-XX:AOTCacheOutput=" + home.resolve(AOT_CACHE)));
    }
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(arguments);
    return command;
  }

  @Override
  public String toString() {
    return "runtime distribution at " + home + " on " + javaHome + (aotCache == null ? "" : " with " + AOT_CACHE);
  }

}
