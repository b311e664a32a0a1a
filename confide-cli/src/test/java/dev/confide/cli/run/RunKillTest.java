package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cas.api.AuditEntry;
import dev.confide.cas.client.CasPins;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.Main;
import dev.confide.cli.cas.EmbeddedCas;
import dev.confide.runtime.StagingArea;
import dev.confide.testing.TreeCopies;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide run --host local} killed with SIGKILL while the program runs: the runtime is a
 * process of its own, which sees its client go (its standard input closes), stops the program,
 * wipes its staging area and commits nothing; the killed client's run directory (ciphertext only)
 * is swept by the next run.
 */
class RunKillTest {
  @TempDir Path tmp;
  Path memory;

  @AfterEach
  void removeMemory() throws Exception {
    if (memory != null) {
      TreeCopies.remove(memory);
    }
  }

  @Test
  @Timeout(180)
  void killingTheClientMidRunLeavesNoPlaintextAndCommitsNothing() throws Exception {
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    String python = Files.readString(Path.of(System.getProperty("confide.home"), "examples/applications/python.yaml"));
    Files.writeString(Files.createDirectories(dirs.config().resolve("applications")).resolve("python-live.yaml"),
        python.replace("name: python\n", "name: python-live\n")
            .replace("      image_name: app\n", "      image_name: app\n      stream_output: true\n"));
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.writeString(inputs.resolve("main.py"), """
        import time
        open("/encryptedOutputs/partial.txt", "w").write("plaintext that must not outlive the run")
        print("ready", flush=True)
        time.sleep(600)
        """);
    memory = Files.createTempDirectory(Path.of("/dev/shm"), "confide-kill-test-");
    try (EmbeddedCas cas = EmbeddedCas.start(dirs, TlsIdentity.create(dirs.identity(), "user"))) {
      new CasPins(dirs.config()).put(new CasPins.Pin("test", URI.create(cas.url()), cas.fingerprint()));
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--sun-misc-unsafe-memory-access=allow", "-Dconfide.home=" + System.getProperty("confide.home"), "-cp",
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName(),
          "run", "--application", "python-live", "--inputs", inputs.toString(), "--outputs", tmp.resolve("out").toString(),
          "--stream-output", "--cas", "test");
      pb.environment().put("CONFIDE_CONFIG_DIR", dirs.config().toString());
      pb.environment().put("CONFIDE_DATA_DIR", dirs.data().toString());
      pb.environment().put("XDG_RUNTIME_DIR", memory.toString());
      pb.redirectErrorStream(true);
      Process client = pb.start();
      BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      for (String line; (line = out.readLine()) != null && !line.equals("ready"); ) {
        seen.append(line).append('\n');
      }
      List<ProcessHandle> runtimes = client.descendants()
          .filter(p -> p.info().commandLine().orElse("").contains("confide-runtime.jar")).toList();
      assertThat(runtimes).as("the runtime runs as a process of its own: " + seen).hasSize(1);
      assertThat(runtimes.getFirst().parent().map(ProcessHandle::pid)).contains(client.pid());
      try (Stream<Path> during = Files.list(memory)) {
        assertThat(during.map(p -> p.getFileName().toString()))
            .as("a staging area with the plaintext, a run directory with the ciphertext")
            .anyMatch(n -> n.startsWith("confide-run-")).anyMatch(n -> n.startsWith("confide-ciphertext-"));
      }

      client.destroyForcibly();
      assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(runtimes.getFirst().onExit().get(90, TimeUnit.SECONDS).isAlive()).isFalse();

      try (Stream<Path> after = Files.list(memory)) {
        assertThat(after.map(p -> p.getFileName().toString())).as("the runtime wiped its staging area")
            .noneMatch(n -> n.startsWith("confide-run-"))
            // the kept measured copies of executables are no run's data (ExecutableCopies)
            .allMatch(n -> n.startsWith("confide-ciphertext-") || n.startsWith("confide-executables-"));
      }
      List<AuditEntry> log = cas.client().audit(0, 1000).entries();
      String session = log.stream().filter(e -> e.kind().equals("session.create")).map(AuditEntry::subject)
          .findFirst().orElseThrow();
      assertThat(log).as("nothing was committed").noneMatch(e -> e.kind().startsWith("tag.swap"));
      var outputs = cas.client().volume(session, "outputs");
      assertThat(outputs.tag()).as("the output volume the run would have created was never committed").isNull();
      assertThat(outputs.generation()).isZero();
      // the next run's sweep removes what the killed client left (its lock died with it)
      try (StagingArea.PrivateDirectory next = StagingArea.privateDirectory(memory, "ciphertext");
           Stream<Path> swept = Files.list(memory)) {
        assertThat(swept.filter(p -> !p.getFileName().toString().startsWith("confide-executables-"))).containsExactly(next.dir());
      }
    }
  }
}
