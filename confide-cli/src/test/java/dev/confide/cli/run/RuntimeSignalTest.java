package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.Main;
import dev.confide.cli.cas.EmbeddedCas;
import dev.confide.testing.SimSession;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide runtime run} as its own process, stopped with SIGTERM while the program runs: the
 * staging area with the plaintext is gone afterwards, and the volume keeps its committed state.
 */
class RuntimeSignalTest {
  @TempDir Path tmp;
  Path staging;

  @AfterEach
  void removeStaging() throws Exception {
    if (staging != null) {
      // the runtime's kept measured copies (ExecutableCopies) are made 0500: made writable to go
      try (Stream<Path> kept = Files.walk(staging)) {
        for (Path p : kept.sorted(java.util.Comparator.reverseOrder()).toList()) {
          p.toFile().setWritable(true, true);
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  @Timeout(120)
  void sigtermWhileTheProgramRunsWipesTheStagingArea() throws Exception {
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    HostKey hostKey = HostKey.create(HostInitCommand.keyFile(dirs));
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String measurement = ThisRuntime.measurer(ThisRuntime.distribution()).measure(List.of("python3"), "/usr/bin:/bin").value();
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("main.py"), """
        import time
        open("/work/partial.txt", "w").write("plaintext that must not outlive the run")
        print("ready", flush=True)
        time.sleep(600)
        """);
    SymmetricKey key = SymmetricKey.generate();
    SealResult sealed = new VolumeSealer().seal(code, tmp.resolve("code-volume"), key, Progress.NONE);
    staging = Files.createTempDirectory(Path.of("/dev/shm"), "confide-signal-test-");
    try (EmbeddedCas cas = EmbeddedCas.start(dirs, TlsIdentity.create(dirs.identity(), "user"))) {
      cas.client().trustSimHost(hostKey.keyHash());
      cas.client().createSession(SimSession.named("sleeper").measurement(measurement)
          .sealedVolume("code", HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex(), "/code", true)
          .newVolume("work", "/work").yaml());
      Path work = tmp.resolve("work-volume");
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--sun-misc-unsafe-memory-access=allow", "-Dconfide.home=" + System.getProperty("confide.home"), "-cp", classPath,
          Main.class.getName(),
          "runtime", "run", "--cas", cas.url(), "--cas-fingerprint", cas.fingerprint(), "--session", "sleeper",
          "--service", "app", "--volume", "code=" + tmp.resolve("code-volume"), "--volume", "work=" + work, "--stream-output");
      pb.environment().put("CONFIDE_CONFIG_DIR", dirs.config().toString());
      pb.environment().put("CONFIDE_DATA_DIR", dirs.data().toString());
      pb.environment().put("XDG_RUNTIME_DIR", staging.toString());
      pb.redirectErrorStream(true);
      Process runtime = pb.start();
      BufferedReader out = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      for (String line; (line = out.readLine()) != null && !line.equals("ready"); ) {
        seen.append(line).append('\n');
      }
      try (Stream<Path> during = runData(staging)) {
        assertThat(during).as("the program runs from a staging area: " + seen).hasSize(1);
      }
      runtime.destroy();
      assertThat(runtime.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(runtime.exitValue()).isEqualTo(143);
      try (Stream<Path> after = runData(staging)) {
        assertThat(after).as("SIGTERM wiped the staging area").isEmpty();
      }
      assertThat(cas.client().volume("sleeper", "work").tag()).as("nothing was committed").isNull();
      if (Files.exists(work)) {
        try (Stream<Path> left = Files.list(work)) {
          assertThat(left).as("no half-written volume").isEmpty();
        }
      }
    }
  }

  /** What the runtime keeps in the memory folder for runs, without its kept executable copies (no run's data). */
  private static Stream<Path> runData(Path memory) throws java.io.IOException {
    return Files.list(memory).filter(p -> !p.getFileName().toString().startsWith("confide-executables-"));
  }
}
