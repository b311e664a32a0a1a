package dev.confide.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.Main;
import dev.confide.testing.TreeCopies;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's commands end to end: a base image packed by GNU tar (python3 and seed 003's counter
 * in /code), 'confide image convert', then 'confide run --image' three times under podman with the
 * embedded CAS — the session created from the policy on the first run, the image loaded once, the
 * volume kept between runs — and the seed's rollback refused (exit 80).
 */
class ImageRunCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  CliRun run(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  @Test
  void convertThenRunTheImageThreeTimesAndRefuseARollback() throws Exception {
    Assumptions.assumeTrue(dev.confide.attest.Executables.onPath("podman").isPresent(), "podman is not installed");
    Path base = baseImage();
    Path image = tmp.resolve("counter-confidential.tar");
    CliRun converted = run("image", "convert", "--from", base.toString(), "--to", image.toString(), "--name", "counter",
        "--command", "python3 /code/counter.py -v /V1/num", "--encrypt", "/code", "--volume", "V1:/V1", "--stream-output",
        "--runtime", runtime().toString(), "--json");
    assertThat(converted.code()).as(converted.err()).isZero();
    String[] runImage = {"run", "--image", image.toString(), "--policy", tmp.resolve("policy.yaml").toString(), "--podman-options",
        "--ulimit nofile=1024:1024 --ulimit nproc=1024:1024", "--podman-storage", tmp.resolve("podman").toString()};
    for (int i = 0; i < 3; i++) {
      CliRun r = run(runImage);
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).contains("The number of executions is " + i);
      assertThat(r.err().contains("into podman (once per image)")).as("loaded on the first run only").isEqualTo(i == 0);
      assertThat(r.out()).contains("simulated attestation: the host's owner can read and change this run");
    }
    Path v1 = tmp.resolve("data/images");
    try (var sessions = Files.list(v1)) {
      v1 = sessions.findFirst().orElseThrow().resolve("V1");
    }
    Path saved = TreeCopies.copy(v1, tmp.resolve("v1-saved"));
    assertThat(run(runImage).err()).contains("The number of executions is 3");
    TreeCopies.replace(v1, saved);
    CliRun rolledBack = run(runImage);
    assertThat(rolledBack.code()).isEqualTo(80);
    assertThat(rolledBack.err()).contains("volume V1").contains("rolled back").doesNotContain("The number of executions");
  }

  @Test
  void theImageRunsOnARemoteHostUploadedOnceWithItsVolumeKeptThere() throws Exception {
    Assumptions.assumeTrue(dev.confide.attest.Executables.onPath("podman").isPresent(), "podman is not installed");
    Path base = baseImage();
    Path image = tmp.resolve("counter-confidential.tar");
    assertThat(run("image", "convert", "--from", base.toString(), "--to", image.toString(), "--name", "counter", "--command",
        "python3 /code/counter.py -v /V1/num", "--encrypt", "/code", "--volume", "V1:/V1", "--stream-output", "--runtime",
        runtime().toString()).code()).isZero();
    java.security.KeyPair userKey = dev.confide.testing.TestSshHost.ecKey();
    try (dev.confide.testing.TestSshHost server = dev.confide.testing.TestSshHost.start(userKey)) {
      // the host's podman keeps its images in the test's folder: a wrapper first on the host's PATH
      Path bin = Files.createDirectories(tmp.resolve("host-bin"));
      try (var programs = Files.list(Path.of("/usr/bin"))) {
        for (Path p : programs.toList()) {
          if (!p.getFileName().toString().equals("podman")) {
            Files.createSymbolicLink(bin.resolve(p.getFileName()), p);
          }
        }
      }
      Path storage = tmp.resolve("host-podman");
      Path wrapper = Files.writeString(bin.resolve("podman"), "#!/bin/sh\nexec /usr/bin/podman --root " + storage.resolve("root")
          + " --runroot " + storage.resolve("run") + " --storage-driver vfs \"$@\"\n");
      Files.setAttribute(wrapper, "unix:mode", 0755);
      server.commandPath(bin);
      Path remote = tmp.resolve("remote-home/.confide");
      assertThat(run("host", "add", "faye", "--ssh", "tester@127.0.0.1:" + server.port(), "--identity",
          dev.confide.testing.TestSshHost.writeKey(tmp.resolve("faye-key"), userKey).toString(), "--remote-dir",
          remote.toString()).code()).isZero();
      String fingerprint = org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(server.hostKey().getPublic());
      String[] runImage = {"run", "--host", "faye", "--host-key", fingerprint, "--image", image.toString(), "--policy",
          tmp.resolve("policy.yaml").toString(), "--podman-options", "--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"};
      for (int i = 0; i < 2; i++) {
        CliRun r = run(runImage);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("The number of executions is " + i);
        assertThat(r.err().contains("(once per image)")).as("sent on the first run only").isEqualTo(i == 0);
      }
      try (var sessions = Files.list(remote.resolve("images"))) {
        Path v1 = sessions.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("incoming-")).findFirst()
            .orElseThrow().resolve("V1");
        assertThat(v1.resolve("VOLUME")).exists();
      }
    }
  }

  @Test
  void aCancelledRunStopsItsContainerAndCommitsNothing() throws Exception {
    Assumptions.assumeTrue(dev.confide.attest.Executables.onPath("podman").isPresent(), "podman is not installed");
    Path image = tmp.resolve("sleeper.tar");
    assertThat(run("image", "convert", "--from", baseImage().toString(), "--to", image.toString(), "--name", "sleeper", "--command",
        "python3 -c \"import time; print('started', flush=True); time.sleep(300); print('woke')\"", "--volume", "V1:/V1",
        "--stream-output", "--runtime", runtime().toString()).code()).isZero();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    StringBuilder said = new StringBuilder();
    java.io.Writer watching = new java.io.Writer() {
      @Override
      public synchronized void write(char[] c, int off, int len) {
        said.append(c, off, len);
        if (said.indexOf("started") >= 0) {
          started.countDown();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    dev.confide.cli.Cancellation cancellation = new dev.confide.cli.Cancellation();
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    dev.confide.cli.Invocation invocation = new dev.confide.cli.Invocation(dirs, null, System.currentTimeMillis(), false,
        dev.confide.cli.run.ThisRuntime::distribution, cancellation, dev.confide.remote.RuntimeStarter.FRESH);
    Path storage = tmp.resolve("podman");
    int[] exit = {-1};
    Thread running = Thread.ofPlatform().start(() -> exit[0] = Main.run(new String[] {"run", "--image", image.toString(),
        "--policy", tmp.resolve("policy.yaml").toString(), "--podman-options", "--ulimit nofile=1024:1024 --ulimit nproc=1024:1024",
        "--podman-storage", storage.toString()}, new PrintWriter(new StringWriter(), true), new PrintWriter(watching, true), invocation));
    assertThat(started.await(5, java.util.concurrent.TimeUnit.MINUTES)).as(said.toString()).isTrue();
    cancellation.cancel();
    running.join(java.time.Duration.ofMinutes(3));
    assertThat(running.isAlive()).isFalse();
    assertThat(exit[0]).as(said.toString()).isNotZero();
    assertThat(said.toString()).doesNotContain("woke");
    Process ps = new ProcessBuilder("podman", "--root", storage.resolve("root").toString(), "--runroot",
        storage.resolve("run").toString(), "--storage-driver", "vfs", "ps", "-a", "--format", "{{.Names}}").start();
    assertThat(new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip()).as("no container left").isEmpty();
    try (var sessions = Files.list(tmp.resolve("data/images"))) {
      Path v1 = sessions.findFirst().orElseThrow().resolve("V1");
      assertThat(v1).as("nothing committed into the volume").isEmptyDirectory();
    }
  }

  /** python3, its libraries and standard library, /code/counter.py: two layers packed by GNU tar, a docker-archive. */
  Path baseImage() throws Exception {
    Path os = dev.confide.testing.PythonRootFs.make(Files.createDirectories(tmp.resolve("os")));
    Files.writeString(os.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    Files.writeString(os.resolve("etc/group"), "root:x:0:\n");
    Path app = Files.createDirectories(tmp.resolve("app/code"));
    Files.copy(Path.of("../examples/python/counter/counter.py"), app.resolve("counter.py"));
    Path archive = Files.createDirectories(tmp.resolve("archive"));
    List<String> layers = new ArrayList<>();
    List<String> diffIds = new ArrayList<>();
    for (Path dir : List.of(os, tmp.resolve("app"))) {
      Path layer = tmp.resolve("layer.tar");
      exec("tar", "--numeric-owner", "-C", dir.toString(), "-cf", layer.toString(), ".");
      String hex = sha256(layer);
      Files.createDirectories(archive.resolve(hex));
      Files.move(layer, archive.resolve(hex + "/layer.tar"));
      layers.add(hex + "/layer.tar");
      diffIds.add("sha256:" + hex);
    }
    ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
    ObjectNode c = config.putObject("config");
    c.putArray("Env").add("PATH=/usr/local/bin:/usr/bin:/bin").add("LANG=C.UTF-8");
    c.putArray("Cmd").add("python3").add("/code/counter.py");
    ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
    diffIds.forEach(rootfs.putArray("diff_ids")::add);
    Files.write(archive.resolve("config.json"), JSON.writeValueAsBytes(config));
    var manifest = JSON.createArrayNode();
    ObjectNode m = manifest.addObject().put("Config", "config.json");
    m.putArray("RepoTags").add("localhost/counter-base:latest");
    layers.forEach(m.putArray("Layers")::add);
    Files.write(archive.resolve("manifest.json"), JSON.writeValueAsBytes(manifest));
    Path base = tmp.resolve("base.tar");
    exec("tar", "-C", archive.toString(), "-cf", base.toString(), ".");
    return base;
  }

  /** The runtime's distribution with a Java of its own, as ./confide makes it ({@link dev.confide.testing.RuntimeWithJre}). */
  static synchronized Path runtime() throws Exception {
    return dev.confide.testing.RuntimeWithJre.in(Path.of("../confide-runtime/target/dist").toAbsolutePath(),
        Path.of("target/test-runtime").toAbsolutePath());
  }


  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void exec(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }
}
