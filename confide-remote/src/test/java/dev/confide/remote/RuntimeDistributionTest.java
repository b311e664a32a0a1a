package dev.confide.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's distribution as a host gets it: built (a copy of confide-runtime/target/dist plus
 * scripts/runtime-jre's jlinked Java), it starts where no Java is installed, on its own Java, and
 * refuses a JVM that the host's environment could change.
 */
class RuntimeDistributionTest {
  static final Path HOME = Path.of(System.getProperty("confide.home"));

  @TempDir Path tmp;

  private Path built() throws Exception {
    Path dist = tmp.resolve("dist");
    copy(HOME.resolve("confide-runtime/target/dist"), dist);
    Process jre = new ProcessBuilder(HOME.resolve("scripts/runtime-jre").toString(), dist.toString())
        .redirectErrorStream(true).start();
    String said = new String(jre.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(jre.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(jre.exitValue()).as(said).isZero();
    return dist;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path rel = from.relativize(f);
        if (rel.startsWith("jre") || rel.toString().equals(RuntimeDistribution.AOT_CACHE)) {
          continue; // this test makes its own
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  /** Runs {@code args} with nothing but PATH=/usr/bin:/bin (and {@code extra}) in the environment. */
  private static Result run(List<String> extra, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin"));
    command.addAll(extra);
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  record Result(int code, String out) {}

  @Test
  @Timeout(600)
  void theDistributionRunsOnItsOwnJavaAndRefusesAnAgent() throws Exception {
    Path dist = built();
    assertThat(Files.readString(dist.resolve("jre/release"))).contains("JAVA_VERSION=\"25");
    assertThat(dist.resolve("jre/bin/javac")).as("a runtime, not a JDK").doesNotExist();
    Path launcher = dist.resolve("bin/confide-runtime");
    assertThat(launcher).isExecutable();

    Result version = run(List.of(), launcher.toString(), "--version");
    assertThat(version.code()).as(version.out()).isZero();
    assertThat(version.out()).contains("confide-runtime 0.1.0").contains(" at " + dist.resolve("jre").toRealPath());

    // what the client measures is what the runtime on that Java runs from
    RuntimeDistribution found = RuntimeDistribution.at(dist);
    assertThat(found.java()).isEqualTo(dist.resolve("jre/bin/java"));
    assertThat(found.digest()).hasSize(64).isNotEqualTo(RuntimeDistribution.at(HOME.resolve("confide-runtime/target/dist")).digest());

    Result agent = run(List.of("JAVA_TOOL_OPTIONS=-Djavax.net.debug=all"), launcher.toString(), "run", "--cas",
        "https://127.0.0.1:1", "--cas-fingerprint", "SHA256:x", "--session", "s", "--service", "app", "--host-key", "/none");
    assertThat(agent.code()).as(agent.out()).isEqualTo(dev.confide.runtime.ExitCodes.INTEGRITY);
    assertThat(agent.out()).contains("JAVA_TOOL_OPTIONS");

    Result bad = run(List.of(), launcher.toString(), "run", "--session", "s");
    assertThat(bad.code()).isEqualTo(dev.confide.runtime.ExitCodes.USAGE);
    assertThat(bad.out()).contains("confide-runtime: Missing required options").contains("see 'confide-runtime run --help'");
  }
}
