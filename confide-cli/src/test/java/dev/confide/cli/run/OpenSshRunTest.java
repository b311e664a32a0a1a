package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.testing.OpenSshHost;
import dev.confide.testing.TestSshHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide run --host NAME} against Debian's real OpenSSH {@code sshd} on 127.0.0.1, logging
 * in as a separate local account ({@link OpenSshHost#ACCOUNT}) that cannot read this user's files:
 * the Python example end to end, unknown and changed host keys, and no new listener on any of
 * the host's non-loopback interfaces while a run goes on.
 */
class OpenSshRunTest {
  @TempDir Path tmp;
  private OpenSshHost sshd;
  private String remoteDir;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  @BeforeEach
  void start() throws Exception {
    assumeTrue(OpenSshHost.unavailable().isEmpty(), () -> OpenSshHost.unavailable().orElse(""));
    KeyPair userKey = TestSshHost.ecKey();
    sshd = OpenSshHost.start(List.of(userKey.getPublic()));
    remoteDir = ".confide-test-" + UUID.randomUUID().toString().substring(0, 8);
    CliRun added = confide("host", "add", "faye", "--ssh", OpenSshHost.ACCOUNT + "@127.0.0.1:" + sshd.port(), "--identity",
        TestSshHost.writeKey(tmp.resolve("faye-key"), userKey).toString(), "--remote-dir", remoteDir);
    assertThat(added.code()).as(added.err()).isZero();
  }

  @AfterEach
  void stop() throws Exception {
    if (sshd != null) {
      sshd.close();
      Path left = OpenSshHost.home().resolve(remoteDir);
      if (Files.exists(left)) {
        try (var walk = Files.walk(left)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private Path remote() {
    return OpenSshHost.home().resolve(remoteDir);
  }

  @Test
  void thePythonExampleRunsAsTheHostsOwnAccountWithNoNewListenerOutsideLoopback() throws Exception {
    CliRun unknown = confide("host", "check", "faye");
    assertThat(unknown.code()).as(unknown.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(unknown.err()).contains(sshd.fingerprint()).contains("--host-key " + sshd.fingerprint());

    CliRun confirmed = confide("host", "check", "faye", "--host-key", sshd.fingerprint(), "--confirm", "python");
    assertThat(confirmed.code()).as(confirmed.err() + sshd.log()).isZero();
    assertThat(confirmed.out()).contains("program python", "/usr/bin/python3", "confirmed");
    assertThat(Files.getOwner(remote().resolve("runtime")).getName()).isEqualTo(OpenSshHost.ACCOUNT);

    // the python application, its output streamed: the program says when it runs
    Path apps = Files.createDirectories(tmp.resolve("config/applications"));
    Files.writeString(apps.resolve("streamer.yaml"), Files.readString(RunApplicationTest.EXAMPLES.resolve(
        "applications/python.yaml")).replace("name: python", "name: streamer").replace("      pwd: /encryptedOutputs",
        "      pwd: /encryptedOutputs\n      stream_output: true"));
    assertThat(confide("host", "check", "faye", "--confirm", "streamer").code()).isZero();
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    // it ends when its standard input does: never, unless the run is stopped; so it also ends after a while
    Files.writeString(inputs.resolve("main.py"), """
        import os, time
        print("running as", os.getuid(), flush=True)
        time.sleep(3)
        """);
    Set<String> before = nonLoopbackListeners();
    Path out = tmp.resolve("out");
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    StringBuilder said = new StringBuilder();
    java.io.Writer err = new java.io.Writer() {
      @Override
      public synchronized void write(char[] b, int off, int len) {
        said.append(b, off, len);
        if (said.indexOf("running as") >= 0) {
          running.countDown();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    int[] code = {-1};
    Thread run = Thread.ofPlatform().start(() -> code[0] = dev.confide.cli.Main.run(new String[] {"run", "--host", "faye",
        "--application", "streamer", "--stream-output", "--inputs", inputs.toString(), "--outputs", out.toString()},
        new java.io.PrintWriter(java.io.Writer.nullWriter()), new java.io.PrintWriter(err, true),
        new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"))));
    boolean started = running.await(120, java.util.concurrent.TimeUnit.SECONDS);
    Set<String> during = nonLoopbackListeners();
    boolean stillRunning = run.isAlive();
    run.join();
    assertThat(started).as(said.toString()).isTrue();
    assertThat(stillRunning).as("the listeners were read while the program ran").isTrue();
    assertThat(code[0]).as(said.toString()).isZero();
    assertThat(during).as("listeners on non-loopback addresses during the run").isEqualTo(before);
    int hostUid = Integer.parseInt(new String(new ProcessBuilder("id", "-u", OpenSshHost.ACCOUNT).start().getInputStream()
        .readAllBytes()).strip());
    assertThat(said.toString()).as("the program ran under the host's account, mapped in its sandbox")
        .containsPattern("running as \\d+");
    assertThat(hostUid).isNotZero();
    assertThat(remote().resolve("runs")).isEmptyDirectory();
  }

  /** Local addresses of TCP listeners other than loopback ones, as ss reports them. */
  private static Set<String> nonLoopbackListeners() throws IOException, InterruptedException {
    Process ss = new ProcessBuilder("ss", "-H", "-tln").redirectErrorStream(true).start();
    Set<String> found = new HashSet<>();
    for (String line : new String(ss.getInputStream().readAllBytes()).split("\n")) {
      String[] f = line.trim().split("\\s+");
      String a = f.length >= 4 ? f[3] : "";
      if (!a.isEmpty() && !a.startsWith("127.") && !a.startsWith("[::1]") && !a.startsWith("[::ffff:127.")) {
        found.add(a);
      }
    }
    assertThat(ss.waitFor()).isZero();
    return found;
  }
}
