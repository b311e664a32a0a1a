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
 * the Python and Blender examples end to end, unknown and changed host keys, and no new listener on any of
 * the host's non-loopback interfaces while a run goes on.
 */
class OpenSshRunTest {
  @TempDir Path tmp;
  private OpenSshHost sshd;
  private String remoteDir;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  private KeyPair userKey;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(OpenSshHost.unavailable().isEmpty(), () -> OpenSshHost.unavailable().orElse(""));
    userKey = TestSshHost.ecKey();
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

    StreamedRun.addStreamer(tmp.resolve("config"));
    assertThat(confide("host", "check", "faye", "--confirm", "streamer").code()).isZero();
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    // it runs for a while after it said so: the listeners are read meanwhile
    Files.writeString(inputs.resolve("main.py"), "import os, time\nprint('running as', os.getuid(), flush=True)\ntime.sleep(3)\n");
    Set<String> before = nonLoopbackListeners();
    Path out = tmp.resolve("out");
    StreamedRun run = new StreamedRun(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), "running as", "run",
        "--host", "faye", "--application", "streamer", "--stream-output", "--inputs", inputs.toString(), "--outputs",
        out.toString());
    assertThat(run.awaitOutput()).as(run.said()).isTrue();
    Set<String> during = nonLoopbackListeners();
    boolean stillRunning = run.running();
    assertThat(run.await()).as(run.said()).isZero();
    assertThat(stillRunning).as("the listeners were read while the program ran").isTrue();
    assertThat(during).as("listeners on non-loopback addresses during the run").isEqualTo(before);
    assertThat(Files.readString(out.resolve("confide-run.log"))).startsWith("running as ");
    assertThat(remote().resolve("runs")).isEmptyDirectory();
  }

  @Test
  void theBlenderExampleRendersOnTheHostAsItsOwnAccountPixelForPixelAsNatively() throws Exception {
    CliRun confirmed = confide("host", "check", "faye", "--host-key", sshd.fingerprint(), "--confirm", "blender");
    assertThat(confirmed.code()).as(confirmed.err() + sshd.log()).isZero();
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.copy(RunApplicationTest.EXAMPLES.resolve("blender/simple_sphere/main.py"), inputs.resolve("main.py"));
    Files.writeString(inputs.resolve("render.json"), "{\"width\": 160, \"height\": 120, \"samples\": 8}\n");
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--host", "faye", "--application", "blender", "--inputs", inputs.toString(), "--outputs",
        out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out.resolve("confide-run.log"))).contains("rendered /encryptedOutputs/simple_sphere.png 160x120");
    assertThat(remote().resolve("runs")).isEmptyDirectory();

    Path nativeOut = Files.createDirectories(tmp.resolve("native"));
    Process blender = new ProcessBuilder(List.of("blender", "-b", "--factory-startup", "-noaudio", "-P",
        inputs.resolve("main.py").toString(), "--", nativeOut.toString())).redirectErrorStream(true).start();
    String log = new String(blender.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(blender.waitFor()).as(log).isZero();
    java.awt.image.BufferedImage remote = javax.imageio.ImageIO.read(out.resolve("simple_sphere.png").toFile());
    java.awt.image.BufferedImage reference = javax.imageio.ImageIO.read(nativeOut.resolve("simple_sphere.png").toFile());
    assertThat(remote.getWidth()).isEqualTo(reference.getWidth()).isEqualTo(160);
    assertThat(remote.getHeight()).isEqualTo(reference.getHeight()).isEqualTo(120);
    int differing = 0;
    long sum = 0;
    for (int y = 0; y < 120; y++) {
      for (int x = 0; x < 160; x++) {
        sum += remote.getRGB(x, y) & 0xffffff;
        differing += remote.getRGB(x, y) == reference.getRGB(x, y) ? 0 : 1;
      }
    }
    assertThat(differing).as("pixels that differ").isZero();
    assertThat(sum).as("the image is not blank").isGreaterThan(0);
  }

  @Test
  void aHostBehindAnOpenSshJumpHostRunsThePythonExample() throws Exception {
    try (OpenSshHost jump = OpenSshHost.start(List.of(userKey.getPublic()))) {
      CliRun added = confide("host", "add", "faye", "--ssh", OpenSshHost.ACCOUNT + "@127.0.0.1:" + sshd.port(), "--identity",
          tmp.resolve("faye-key").toString(), "--remote-dir", remoteDir, "--jump", OpenSshHost.ACCOUNT + "@127.0.0.1:" + jump.port(),
          "--force");
      assertThat(added.code()).as(added.err()).isZero();
      Files.writeString(tmp.resolve("config/known_hosts"), "[127.0.0.1]:" + jump.port() + " "
          + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(jump.hostKey()) + "\n[127.0.0.1]:" + sshd.port() + " "
          + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(sshd.hostKey()) + "\n");
      CliRun confirmed = confide("host", "check", "faye", "--confirm", "python");
      assertThat(confirmed.code()).as(confirmed.err() + jump.log()).isZero();
      assertThat(jump.log()).as("the jump host's sshd logged the login").contains("Accepted publickey for " + OpenSshHost.ACCOUNT);
      Path out = tmp.resolve("out");
      CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
          RunApplicationTest.EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(Files.readString(out.resolve("report.txt"))).startsWith("120 measurements from 4 sites");
    }
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
