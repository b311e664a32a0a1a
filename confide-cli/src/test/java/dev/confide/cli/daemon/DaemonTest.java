package dev.confide.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.run.ThisRuntime;
import dev.confide.testing.PrivateDirectories;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon that {@code ./confide run} hands runs to, served in this JVM on a socket in a private
 * folder, with real runs (bubblewrap, python3, the embedded CAS) sent by the real client code.
 */
@Timeout(180)
class DaemonTest {
  private static final String BUILD = "test-build";

  @TempDir Path tmp;
  private DaemonPlace place;
  private DaemonServer server;
  private Thread serving;
  /** The daemon's spare runtimes, as the real daemon keeps them: later runs of a test take a warmed one. */
  private final dev.confide.remote.WarmRuntimes spares = new dev.confide.remote.WarmRuntimes();
  private final dev.confide.remote.ssh.KeptHosts hosts = dev.confide.remote.ssh.KeptHosts.keeping();

  @BeforeEach
  void start() throws IOException {
    place = new DaemonPlace(tmp.resolve("daemon"));
    server = DaemonServer.bind(place, BUILD, Duration.ofMinutes(10), ThisRuntime::distribution, spares, hosts);
    serving = Thread.ofPlatform().start(server::serve);
  }

  /** Connections a test may leave open when it fails: closing them cancels their runs. */
  private final List<SocketChannel> open = new java.util.ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (SocketChannel c : open) {
      c.close();
    }
    server.close();
    serving.join(10_000);
    server.awaitRequests();
    spares.close();
    hosts.close();
  }

  /** Output the client received, and a latch that opens when the error output contains {@code awaited}. */
  private static final class Captured extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final String awaited;
    final CountDownLatch seen = new CountDownLatch(1);

    Captured(String awaited) {
      this.awaited = awaited;
    }

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
      if (awaited != null && text().contains(awaited)) {
        seen.countDown();
      }
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private DaemonWire.Request command(Path cwd, String... args) {
    return new DaemonWire.Request(DaemonWire.Kind.COMMAND, BUILD, cwd.toString(),
        Map.of("CONFIDE_CONFIG_DIR", tmp.resolve("config").toString(), "CONFIDE_DATA_DIR", tmp.resolve("data").toString()),
        System.currentTimeMillis(), false, List.of(args));
  }

  private Path inputs(String script, String python) throws IOException {
    Path inputs = Files.createDirectories(tmp.resolve("work/in"));
    Files.writeString(inputs.resolve(script), python);
    return inputs;
  }

  @Test
  void relaysTheRunsOutputAndExitCodeAndTakesPathsFromTheClientsDirectory() throws Exception {
    inputs("main.py", "print('inside')\nraise SystemExit(3)\n");
    Captured out = new Captured(null);
    Captured err = new Captured(null);
    DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(out, true), new PrintStream(err, true));
    // relative paths, as a user types them in tmp/work: the daemon's own directory is elsewhere
    int code = client.relay(client.connect(), command(tmp.resolve("work"), "run", "--application", "python",
        "--inputs", "in", "--outputs", "out", "--json"), false);
    assertThat(code).as(err.text()).isEqualTo(3);
    assertThat(Files.readString(tmp.resolve("work/out").resolve("confide-run.log"))).isEqualTo("inside\n");
    assertThat(out.text()).contains("\"exit_code\" : 3").contains("\"outputs\" : \"" + tmp.resolve("work/out") + "\"");
  }

  @Test
  void servesOneRunAfterAnotherWithOneMeasurement() throws Exception {
    inputs("main.py", "open('/encryptedOutputs/done', 'w').write('ok')\n");
    String first = runJson("out-1");
    String second = runJson("out-2");
    assertThat(tmp.resolve("work/out-1/done")).hasContent("ok");
    assertThat(tmp.resolve("work/out-2/done")).hasContent("ok");
    assertThat(measurement(first)).isEqualTo(measurement(second)).matches("[0-9a-f]{64}");
  }

  private String runJson(String outputs) throws IOException {
    Captured out = new Captured(null);
    Captured err = new Captured(null);
    DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(out, true), new PrintStream(err, true));
    int code = client.relay(client.connect(), command(tmp.resolve("work"), "run", "--application", "python",
        "--inputs", "in", "--outputs", outputs, "--json"), false);
    assertThat(code).as(err.text()).isZero();
    return out.text();
  }

  private static String measurement(String json) {
    return json.replaceAll("(?s).*\"measurement\" : \"([0-9a-f]+)\".*", "$1");
  }

  /** Staging areas and a small run's ciphertext folders this JVM (the daemon under test) made in /dev/shm. */
  private static Set<String> stagingAreas() throws IOException {
    return PrivateDirectories.in(Path.of("/dev/shm"), dev.confide.runtime.StagingArea::madeByThisProcess);
  }


  /** Whether a process whose command line contains {@code marker} runs on this machine. */
  private static boolean running(String marker) throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmdline.contains(marker)) {
            return true;
          }
        } catch (IOException gone) {
          // the process ended while we looked
        }
      }
    }
    return false;
  }

  @Test
  void ctrlCAtTheClientKillsTheProgramCommitsNothingAndWipes() throws Exception {
    cancelledRun(true);
  }

  @Test
  void aClientThatVanishesCancelsItsRunToo() throws Exception {
    cancelledRun(false);
  }

  /**
   * The Python application with live output allowed (the bundled one keeps it in the output
   * volume), so that the test sees the program running before it cancels.
   */
  private void liveApplication() throws IOException {
    String python = Files.readString(Path.of(System.getProperty("confide.home"), "examples/applications/python.yaml"));
    String live = python.replace("name: python\n", "name: python-live\n")
        .replace("      image_name: app\n", "      image_name: app\n      stream_output: true\n");
    assertThat(live).contains("python-live").contains("stream_output: true");
    Files.writeString(Files.createDirectories(tmp.resolve("config/applications")).resolve("python-live.yaml"), live);
  }

  private void cancelledRun(boolean sendCancel) throws Exception {
    liveApplication();
    String script = "sleeper-" + UUID.randomUUID() + ".py";
    inputs(script, "import time\nprint('program started', flush=True)\ntime.sleep(600)\n");
    Set<String> before = stagingAreas();
    Captured out = new Captured(null);
    Captured err = new Captured("program started");
    DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(out, true), new PrintStream(err, true));
    SocketChannel channel = client.connect();
    open.add(channel);
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> client.relay(channel,
        command(tmp.resolve("work"), "run", "--application", "python-live", "--inputs", "in", "--outputs", "out",
            "--script", script, "--stream-output"), false), task -> Thread.ofPlatform().start(task));
    assertThat(err.seen.await(120, TimeUnit.SECONDS)).as(err.text()).isTrue();
    assertThat(running(script)).as("the program runs").isTrue();
    if (sendCancel) {
      DaemonClient.cancel(channel);
      assertThat(code.get(60, TimeUnit.SECONDS)).as(err.text()).isEqualTo(ExitCodes.CANCELLED);
      assertThat(err.text()).contains("confide: the run was cancelled while the program ran; nothing was committed");
    } else {
      channel.close();
      code.get(60, TimeUnit.SECONDS);
    }
    // every request thread has ended: whatever the daemon does for a cancelled run is done
    server.awaitRequests();
    // the sandbox's processes die with bubblewrap (its PID namespace goes), which the kernel
    // finishes on its own time: allow it a bounded moment
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (running(script) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(running(script)).as("the program was killed").isFalse();
    assertThat(tmp.resolve("work/out")).doesNotExist();
    assertThat(stagingAreas()).isEqualTo(before);
  }

  @Test
  void aClientOfAnotherBuildIsRefusedWithTheWayOut() throws Exception {
    Captured err = new Captured(null);
    DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true));
    int code = client.relay(client.connect(), DaemonWire.Request.of(DaemonWire.Kind.STATUS, "another-build"), false);
    assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(err.text()).contains("this daemon runs build test-build, the client another-build").contains("confide daemon stop");
  }

  @Test
  void onlyRunsAndTheFileShieldsCommandsAreServed() throws Exception {
    Captured err = new Captured(null);
    DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true));
    int code = client.relay(client.connect(), command(tmp, "cas", "start", "--data", tmp.resolve("cas").toString()), false);
    assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(err.text()).contains("the daemon serves only 'confide run', 'confide volume seal|open|verify|update|show'"
        + " and 'confide tree authenticate|verify'");
    assertThat(tmp.resolve("cas")).doesNotExist();
  }

  private int volumeCommand(Captured out, Captured err, String... args) throws IOException {
    DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(out, true), new PrintStream(err, true));
    return client.relay(client.connect(), command(tmp.resolve("work"), args), false);
  }

  @Test
  void sealsAndOpensVolumesWithPathsFromTheClientsDirectory() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("work/src/sub"));
    Files.writeString(src.resolve("a.txt"), "alpha");
    Captured out = new Captured(null);
    Captured err = new Captured(null);
    assertThat(volumeCommand(out, err, "volume", "seal", "src", "vol", "--key-out", "vol.key", "--json")).as(err.text()).isZero();
    String tag = out.text().replaceAll("(?s).*\"tag\" : \"([0-9a-f]{64})\".*", "$1");
    assertThat(tag).matches("[0-9a-f]{64}");
    assertThat(tmp.resolve("work/vol/VOLUME")).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("work/vol.key")))).isEqualTo("rw-------");
    Captured opened = new Captured(null);
    assertThat(volumeCommand(opened, err, "volume", "open", "vol", "dest", "--key-file", "vol.key", "--tag", tag))
        .as(err.text()).isZero();
    assertThat(tmp.resolve("work/dest/sub/a.txt")).hasContent("alpha");
    // a refusal travels back with its exit code, as from a JVM of its own
    Captured refused = new Captured(null);
    assertThat(volumeCommand(new Captured(null), refused, "volume", "verify", "vol", "--key-file", "vol.key", "--tag", "0".repeat(64)))
        .isEqualTo(ExitCodes.INTEGRITY);
    assertThat(refused.text()).contains("tag");
  }

  @Test
  void aCancelledSealStopsAndLeavesNeitherVolumeNorKey() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("work/big"));
    // sparse: costs no disk, yet takes the seal seconds to encrypt
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(src.resolve("zeros").toFile(), "rw")) {
      f.setLength(4L << 30);
    }
    Captured err = new Captured(null);
    DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true));
    SocketChannel channel = client.connect();
    open.add(channel);
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> client.relay(channel,
        command(tmp.resolve("work"), "volume", "seal", "big", "vol", "--key-out", "vol.key"), false),
        task -> Thread.ofPlatform().start(task));
    // the seal has begun once the volume's header is written
    while (!Files.exists(tmp.resolve("work/vol/VOLUME")) && !code.isDone()) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    DaemonClient.cancel(channel);
    assertThat(code.get(120, TimeUnit.SECONDS)).as(err.text()).isEqualTo(ExitCodes.CANCELLED);
    assertThat(err.text()).contains("'volume seal' was cancelled before it finished");
    assertThat(tmp.resolve("work/vol")).doesNotExist();
    assertThat(tmp.resolve("work/vol.key")).doesNotExist();
  }

  @Test
  void aSecondDaemonOfTheSameBuildStandsAside() throws Exception {
    assertThat(DaemonServer.bind(place, BUILD, Duration.ofMinutes(1), ThisRuntime::distribution, spares, hosts)).isNull();
  }

  @Test
  void statusAndStop() throws Exception {
    Captured out = new Captured(null);
    DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(out, true), System.err);
    assertThat(client.ask(DaemonWire.Kind.STATUS)).isZero();
    assertThat(out.text()).contains("confide daemon: pid " + ProcessHandle.current().pid()).contains("build test-build");
    assertThat(client.ask(DaemonWire.Kind.STOP)).isZero();
    serving.join(10_000);
    assertThat(serving.isAlive()).isFalse();
    assertThat(place.socket(BUILD)).doesNotExist();
    assertThat(client.ask(DaemonWire.Kind.STATUS)).as("nobody answers").isNull();
  }

  @Test
  void anIdleDaemonStopsByItself() throws Exception {
    DaemonPlace other = new DaemonPlace(tmp.resolve("idle"));
    DaemonServer idle = DaemonServer.bind(other, BUILD, Duration.ofMillis(200), ThisRuntime::distribution, spares, hosts);
    Thread t = Thread.ofPlatform().start(idle::serve);
    t.join(30_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(other.socket(BUILD)).doesNotExist();
  }

  @Test
  void aFolderOthersMayEnterIsRefused() throws Exception {
    Path open = Files.createDirectory(tmp.resolve("open"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));
    assertThatThrownBy(() -> DaemonServer.bind(new DaemonPlace(open), BUILD, Duration.ofMinutes(1), ThisRuntime::distribution, spares, hosts))
        .isInstanceOf(IOException.class).hasMessage(open + " has mode rwxr-xr-x, not rwx------");
    assertThatThrownBy(() -> new DaemonClient(new DaemonPlace(open), BUILD, System.out, System.err).connectOrStart(null))
        .isInstanceOf(IOException.class).hasMessageContaining("not rwx------");
  }

  /**
   * A run on a remote host served by the daemon: it logs in with the client's keys (its ssh-agent
   * socket comes with the request, never the daemon's own), asks nothing — an unknown host key is
   * refused with the command that confirms it — and runs once the key is confirmed.
   */
  @Test
  void servesARunOnARemoteHostAndRefusesAnUnknownHostKeyWithoutAsking() throws Exception {
    java.security.KeyPair userKey = dev.confide.testing.TestSshHost.ecKey();
    try (dev.confide.testing.TestSshHost host = dev.confide.testing.TestSshHost.start(userKey)) {
      dev.confide.cli.ConfideDirs dirs = new dev.confide.cli.ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
      dev.confide.cli.CliRun added = dev.confide.cli.CliRun.of(dirs, "host", "add", "faye", "--ssh", "tester@127.0.0.1:"
          + host.port(), "--identity", dev.confide.testing.TestSshHost.writeKey(tmp.resolve("key"), userKey).toString(),
          "--remote-dir", tmp.resolve("remote/.confide").toString());
      assertThat(added.code()).as(added.err()).isZero();
      inputs("main.py", "open('/encryptedOutputs/done', 'w').write('remote')\n");

      Captured err = new Captured(null);
      DaemonClient client = new DaemonClient(place, BUILD, new PrintStream(new Captured(null), true), new PrintStream(err, true));
      int unknown = client.relay(client.connect(), command(tmp.resolve("work"), "run", "--host", "faye", "--application",
          "python", "--inputs", "in", "--outputs", "out"), false);
      assertThat(unknown).as(err.text()).isEqualTo(dev.confide.cli.ExitCodes.DENIED);
      String fingerprint = org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(host.hostKey().getPublic());
      assertThat(err.text()).contains("--host-key " + fingerprint);

      dev.confide.cli.CliRun confirmed = dev.confide.cli.CliRun.of(dirs, "host", "check", "faye", "--host-key", fingerprint,
          "--confirm", "python");
      assertThat(confirmed.code()).as(confirmed.err()).isZero();
      Captured err2 = new Captured(null);
      DaemonClient again = new DaemonClient(place, BUILD, new PrintStream(new Captured(null), true), new PrintStream(err2, true));
      int code = again.relay(again.connect(), command(tmp.resolve("work"), "run", "--host", "faye", "--application", "python",
          "--inputs", "in", "--outputs", "out"), false);
      assertThat(code).as(err2.text()).isZero();
      assertThat(tmp.resolve("work/out/done")).hasContent("remote");
    }
  }
}
