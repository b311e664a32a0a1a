package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.testing.TestSshHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide run --host faye} against MINA SSHD's server on loopback: the runtime installed
 * there, the program's measurement confirmed once, ciphertext only on the host, the CAS reached
 * through the SSH connection, the run directory gone afterwards.
 */
class RemoteRunTest {
  static final Path EXAMPLES = RunApplicationTest.EXAMPLES;

  @TempDir Path tmp;
  private TestSshHost server;
  private Path remote;
  private String fingerprint;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  @BeforeEach
  void start() throws Exception {
    KeyPair userKey = TestSshHost.ecKey();
    server = TestSshHost.start(userKey);
    fingerprint = KeyUtils.getFingerPrint(server.hostKey().getPublic());
    remote = tmp.resolve("remote-home/.confide");
    CliRun added = confide("host", "add", "faye", "--ssh", "tester@127.0.0.1:" + server.port(), "--identity",
        TestSshHost.writeKey(tmp.resolve("faye-key"), userKey).toString(), "--remote-dir", remote.toString());
    assertThat(added.code()).as(added.err()).isZero();
  }

  /** Trusts the host's key and confirms the program {@code application} runs there. */
  private void confirm(String application) {
    CliRun confirmed = confide("host", "check", "faye", "--host-key", fingerprint, "--confirm", application);
    assertThat(confirmed.code()).as(confirmed.err()).isZero();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void runsThePythonExampleOnTheRemoteHostOnceItsProgramIsConfirmed() throws Exception {
    Path out = tmp.resolve("out");
    CliRun unconfirmed = confide("run", "--host", "faye", "--host-key", fingerprint, "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString());
    assertThat(unconfirmed.code()).as(unconfirmed.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(unconfirmed.err()).contains("nobody confirmed the program faye runs python as (/usr/bin/python3")
        .contains("confide host check faye --confirm python");
    assertThat(out).doesNotExist();
    assertThat(remote.resolve("runs")).isEmptyDirectory();

    CliRun confirmed = confide("host", "check", "faye", "--confirm", "python", "--json");
    assertThat(confirmed.code()).as(confirmed.err()).isZero();

    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out.resolve("report.txt"))).startsWith("120 measurements from 4 sites");
    JsonNode json = r.json();
    assertThat(json.get("host").asText()).isEqualTo("faye");
    assertThat(json.get("protection").asText()).isEqualTo("simulated attestation: the host's owner can read and change this run");
    assertThat(remote.resolve("runs")).as("the run's directory is removed").isEmptyDirectory();

    // a runtime of another version there is replaced before the next run
    String ours = Files.readString(remote.resolve("runtime/VERSION"));
    Files.writeString(remote.resolve("runtime/VERSION"), "0123456789abcdef 0.0.1\n");
    CliRun again = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", tmp.resolve("out2").toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(Files.readString(remote.resolve("runtime/VERSION"))).isEqualTo(ours);
  }

  @Test
  void aDaemonKeepsTheConnectionWithTheNextRunPreparedButNeverPastAChangedKnownHostsFile() throws Exception {
    confirm("python");
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    try (dev.confide.remote.ssh.KeptHosts kept = dev.confide.remote.ssh.KeptHosts.keeping()) {
      dev.confide.cli.Invocation daemon = new dev.confide.cli.Invocation(dirs, null, System.currentTimeMillis(), false,
          ThisRuntime::distribution, new dev.confide.cli.Cancellation(), dev.confide.remote.RuntimeStarter.FRESH, null, false, kept,
          dev.confide.cli.AfterReply.NOW);
      int before = server.logins();
      for (String out : List.of("out1", "out2")) {
        CliRun r = CliRun.of(daemon, "run", "--host", "faye", "--application", "python", "--inputs",
            EXAMPLES.resolve("python/stats").toString(), "--outputs", tmp.resolve(out).toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(tmp.resolve(out).resolve("report.txt"))).startsWith("120 measurements from 4 sites");
        // the next run's directory is made on the host, its runtime waiting there
        List<String> prepared = kept.preparedDirs();
        assertThat(prepared).hasSize(1);
        Path spare = Path.of(prepared.getFirst());
        assertThat(spare.getParent()).isEqualTo(remote.resolve("runs"));
        assertThat(Files.getPosixFilePermissions(spare)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (var inside = Files.list(spare)) {
          // its runtime's lock, once its exec channel started it: nothing of any run's yet
          assertThat(inside.map(p -> p.getFileName().toString())).allMatch(".lock"::equals);
        }
      }
      assertThat(server.logins()).as("both runs went over one login").isEqualTo(before + 1);

      // the user takes the host's key out of the known hosts: no run goes over the connection checked against it
      Files.writeString(tmp.resolve("config/known_hosts"), "");
      CliRun refused = CliRun.of(daemon, "run", "--host", "faye", "--application", "python", "--inputs",
          EXAMPLES.resolve("python/stats").toString(), "--outputs", tmp.resolve("out3").toString());
      assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCodes.DENIED);
      assertThat(refused.err()).contains("the authenticity of [127.0.0.1]:" + server.port() + " cannot be established");
      assertThat(tmp.resolve("out3")).doesNotExist();
    }
    assertThat(remote.resolve("runs")).as("the spare's directory goes with the kept connection").isEmptyDirectory();
  }

  @Test
  void keepLeavesTheRunsCiphertextOnTheHostAndNothingElse() throws Exception {
    confirm("python");
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString(), "--keep", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    Path kept = Path.of(r.json().get("kept_on_host").asText());
    assertThat(kept.getParent()).isEqualTo(remote.resolve("runs"));
    assertThat(kept.resolve("inputs/VOLUME")).isRegularFile();
    assertThat(kept.resolve("outputs/VOLUME")).isRegularFile();
    // sealed: neither the inputs' text nor the outputs' is anywhere in it
    byte[] input = Files.readAllBytes(EXAMPLES.resolve("python/stats/main.py"));
    byte[] output = Files.readAllBytes(out.resolve("report.txt"));
    try (var files = Files.walk(kept)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String bytes = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(bytes).as(f.toString()).doesNotContain(new String(input, 0, 40, java.nio.charset.StandardCharsets.ISO_8859_1))
            .doesNotContain(new String(output, 0, 30, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    CliRun local = confide("run", "--application", "python", "--inputs", EXAMPLES.resolve("python/stats").toString(),
        "--outputs", tmp.resolve("local").toString(), "--keep");
    assertThat(local.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(local.err()).contains("--keep keeps a remote host's run directory; a local run leaves none");
  }

  @Test
  void aRunStoppedWhileItsProgramRunsOnTheHostCommitsNothingAndLeavesNoRunDirectory() throws Exception {
    StreamedRun.addStreamer(tmp.resolve("config"));
    confirm("streamer");
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.writeString(inputs.resolve("main.py"), "import time\nprint('started', flush=True)\ntime.sleep(600)\n");
    Path out = tmp.resolve("out");
    StreamedRun run = new StreamedRun(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), "started", "run", "--host",
        "faye", "--application", "streamer", "--stream-output", "--inputs", inputs.toString(), "--outputs", out.toString());
    assertThat(run.awaitOutput()).as(run.said()).isTrue();
    run.cancel();
    assertThat(run.await()).as(run.said()).isEqualTo(ExitCodes.CANCELLED);
    assertThat(run.said()).contains("cancelled");
    assertThat(out).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    assertThat(remote.resolve("runs")).as("the run's directory is removed").isEmptyDirectory();
  }

  @Test
  void aVolumeChangedOnTheHostBetweenUploadAndStartIsRefusedByTheRuntime() throws Exception {
    confirm("python");
    java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();
    server.onUploaded(file -> {
      // the host's operator flips one byte of the inputs' VOLUME header once it arrived
      // (each file is created empty first, then written: the written one)
      if (file.toString().endsWith("/inputs/VOLUME") && file.toFile().length() > 64 && !changed.get()) {
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
            java.nio.file.StandardOpenOption.WRITE)) {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
          c.read(b, 40);
          b.put(0, (byte) (b.get(0) ^ 1)).rewind();
          c.write(b, 40);
          changed.set(true);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString());
    assertThat(changed).isTrue();
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INTEGRITY);
    // one flipped bit of the header: its key check no longer fits, or it no longer parses
    assertThat(r.err()).containsPattern("volume inputs \\(\\S+/runs/run-[0-9a-f]+/inputs\\) was altered on the host: (the key the"
        + " CAS holds for it no longer opens its VOLUME file|its VOLUME file no longer parses); run it again; if it recurs, the"
        + " host is not to be trusted");
    assertThat(out).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    assertThat(remote.resolve("runs")).isEmptyDirectory();
  }

  @Test
  void aConnectionLostAfterTheCommitLeavesTheOutputsOnTheHostUntilRunsFetchBringsThemHome() throws Exception {
    confirm("python");
    server.dropWhenOpened(p -> p.toString().contains("/outputs"));
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err()).containsPattern("run (run-python-[0-9a-f]+) committed its outputs on faye, but they were not brought home")
        .contains("lost the connection to faye while downloading outputs").contains("fetch them with 'confide runs fetch run-python-");
    assertThat(out).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    try (var runs = Files.list(remote.resolve("runs"))) {
      assertThat(runs.toList()).as("the run's directory is kept on the host").hasSize(1);
    }
    JsonNode listed = confide("runs", "list", "--json").json().get("runs");
    assertThat(listed).hasSize(1);
    String session = listed.get(0).get("run").asText();
    assertThat(r.err()).contains("confide runs fetch " + session);

    server.dropWhenOpened(p -> false);
    CliRun fetched = confide("runs", "fetch", session, "--json");
    assertThat(fetched.code()).as(fetched.err()).isZero();
    assertThat(Files.readString(out.resolve("report.txt"))).startsWith("120 measurements from 4 sites");
    assertThat(remote.resolve("runs")).isEmptyDirectory();
    assertThat(confide("runs", "list", "--json").json().get("runs")).isEmpty();
    CliRun again = confide("runs", "fetch", session);
    assertThat(again.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(again.err()).contains("no run named " + session + " waits to be fetched");
  }

  @Test
  void aConnectionLostDuringTheUploadSaysSoAndLeavesNothingToFetch() throws Exception {
    confirm("python");
    server.dropWhenOpened(p -> p.toString().contains("/inputs"));
    Path out = tmp.resolve("out");
    int before = server.logins();
    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    // each new login is cut off as well: after three the run gives up
    assertThat(r.err()).contains("logging in again, 3 of 3")
        .contains("lost the connection to faye while uploading inputs, 3 times; run it again when the host is reachable");
    assertThat(server.logins()).isEqualTo(before + 4);
    assertThat(out).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    assertThat(confide("runs", "list", "--json").json().get("runs")).isEmpty();
  }

  @Test
  void anUploadCutOffMidwayGoesOnOverANewLoginWithoutSendingAgainWhatTheHostAcknowledged() throws Exception {
    confirm("python");
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    java.security.MessageDigest all = java.security.MessageDigest.getInstance("SHA-256");
    java.util.Random random = new java.util.Random(15);
    for (int i = 0; i < 12; i++) {
      byte[] part = new byte[512 << 10]; // each its own object in the volume
      random.nextBytes(part);
      Files.write(inputs.resolve("part" + (char) ('a' + i)), part);
      all.update(part);
    }
    Files.writeString(inputs.resolve("main.py"), """
        import hashlib, os
        h = hashlib.sha256()
        for f in sorted(n for n in os.listdir('/encryptedInputs') if n.startswith('part')):
            h.update(open('/encryptedInputs/' + f, 'rb').read())
        open('/encryptedOutputs/digest.txt', 'w').write(h.hexdigest())
        """);
    int before = server.logins();
    // the network fails once, when the ninth file of the inputs is opened on the host
    java.util.Map<Path, List<Integer>> opened = new java.util.concurrent.ConcurrentHashMap<>();
    server.beforeOpened(p -> {
      if (p.toString().contains("/inputs/")) {
        opened.computeIfAbsent(p, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(server.logins());
      }
    });
    server.dropWhenOpened(p -> server.logins() == before + 1 && p.toString().contains("/inputs/") && opened.size() >= 9);
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs", inputs.toString(), "--outputs",
        out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("lost the connection to faye while uploading inputs").contains("logging in again, 1 of 3");
    assertThat(Files.readString(out.resolve("digest.txt"))).isEqualTo(java.util.HexFormat.of().formatHex(all.digest()));
    assertThat(server.logins()).isEqualTo(before + 2);
    // what the host acknowledged before the cut is not sent again; only what was in flight on
    // the upload's channels (and the file whose opening cut it) is
    List<Path> firstTime = opened.entrySet().stream().filter(e -> e.getValue().getFirst() == before + 1).map(e -> e.getKey())
        .toList();
    List<Path> sentAgain = firstTime.stream().filter(p -> opened.get(p).contains(before + 2)).toList();
    assertThat(firstTime).hasSizeGreaterThanOrEqualTo(9);
    assertThat(sentAgain).hasSizeLessThanOrEqualTo(4);
    assertThat(remote.resolve("runs")).isEmptyDirectory();
  }

  @Test
  void aProgramChangedOnTheHostSinceItWasConfirmedIsRefusedWhenItsRuntimeAttests() throws Exception {
    confirm("python");
    // as if the host's python3 had been replaced after the user confirmed it: the confirmed one is
    // what the run's session names, and the host's runtime measures the one it finds
    Path record = tmp.resolve("config/host-measurements.toml");
    String confirmed = Files.readString(record);
    java.util.regex.Matcher sha = java.util.regex.Pattern.compile("sha256 = ['\"]([0-9a-f]{64})").matcher(confirmed);
    assertThat(sha.find()).isTrue();
    Files.writeString(record, confirmed.replace(sha.group(1), "0".repeat(64)));
    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", tmp.resolve("out").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(r.err()).contains("the program or runtime on faye is not the one you confirmed there: 'confide host check faye'");
    assertThat(tmp.resolve("out")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void aHostWithoutBubblewrapIsRefusedBeforeAnythingIsSentNamingThePackage() throws Exception {
    confirm("python");
    // the host's PATH: every program of /usr/bin but bwrap
    Path bin = Files.createDirectories(tmp.resolve("host-bin"));
    try (var programs = Files.list(Path.of("/usr/bin"))) {
      for (Path p : programs.toList()) {
        if (!p.getFileName().toString().equals("bwrap")) {
          Files.createSymbolicLink(bin.resolve(p.getFileName()), p);
        }
      }
    }
    server.commandPath(bin);
    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", tmp.resolve("out").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err()).contains("faye has no bubblewrap (bwrap): the runtime runs programs only inside it;"
        + " have it installed there: apt-get install bubblewrap (the Debian package bubblewrap)");
    assertThat(r.err()).doesNotContain("sealing the inputs");
    assertThat(remote.resolve("runs")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void aHostWhoseDiskFillsDuringTheUploadKeepsNothingOfTheRun() throws Exception {
    confirm("python");
    Path runs = Files.createDirectories(remote.resolve("runs"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", runs.toString())
        .redirectErrorStream(true).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "a 1 MiB file system for the host's runs needs mount (root)");
    try {
      Path inputs = Files.createDirectories(tmp.resolve("big"));
      Files.writeString(inputs.resolve("main.py"), "print('never runs')\n");
      byte[] noise = new byte[3 << 20];
      new java.security.SecureRandom().nextBytes(noise);
      Files.write(inputs.resolve("data.bin"), noise);
      CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs", inputs.toString(), "--outputs",
          tmp.resolve("out").toString());
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.IO);
      assertThat(r.err()).contains("cannot put volume inputs on the host").contains("check the host's free space");
      assertThat(runs).as("the partial upload and the run's directory are gone").isEmptyDirectory();
    } finally {
      new ProcessBuilder("umount", runs.toString()).start().waitFor();
    }
  }

  @Test
  void twoUsersRunningAtOnceOnOneHostAccountGetRunsOfTheirOwn() throws Exception {
    // a second user of Confide (its own identity, embedded CAS, keys and folders) on the same login there
    ConfideDirs other = new ConfideDirs(tmp.resolve("config2"), tmp.resolve("data2"));
    Files.createDirectories(other.config());
    CliRun added = CliRun.of(other, "host", "add", "faye", "--ssh", "tester@127.0.0.1:" + server.port(), "--identity",
        tmp.resolve("faye-key").toString(), "--remote-dir", remote.toString());
    assertThat(added.code()).as(added.err()).isZero();
    ConfideDirs mine = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    for (ConfideDirs d : List.of(mine, other)) {
      StreamedRun.addStreamer(d.config());
      CliRun confirmed = CliRun.of(d, "host", "check", "faye", "--host-key", fingerprint, "--confirm", "streamer");
      assertThat(confirmed.code()).as(confirmed.err()).isZero();
    }
    Path inputsA = Files.createDirectories(tmp.resolve("in-a"));
    Path inputsB = Files.createDirectories(tmp.resolve("in-b"));
    String program = "import time, os\nprint('started', flush=True)\nopen('mine.txt', 'w').write('%s')\ntime.sleep(2)\n";
    Files.writeString(inputsA.resolve("main.py"), program.formatted("a"));
    Files.writeString(inputsB.resolve("main.py"), program.formatted("b"));
    StreamedRun a = new StreamedRun(mine, "started", "run", "--host", "faye", "--application", "streamer", "--stream-output",
        "--inputs", inputsA.toString(), "--outputs", tmp.resolve("out-a").toString());
    StreamedRun b = new StreamedRun(other, "started", "run", "--host", "faye", "--application", "streamer", "--stream-output",
        "--inputs", inputsB.toString(), "--outputs", tmp.resolve("out-b").toString());
    assertThat(a.awaitOutput()).as(a.said()).isTrue();
    assertThat(b.awaitOutput()).as(b.said()).isTrue();
    boolean together = a.running() && b.running();
    assertThat(a.await()).as(a.said()).isZero();
    assertThat(b.await()).as(b.said()).isZero();
    assertThat(together).as("both programs ran at once").isTrue();
    assertThat(Files.readString(tmp.resolve("out-a/mine.txt"))).isEqualTo("a");
    assertThat(Files.readString(tmp.resolve("out-b/mine.txt"))).isEqualTo("b");
    assertThat(remote.resolve("runs")).isEmptyDirectory();
  }

  @Test
  void aLinkTheHostPlantsAmongTheOutputsIsRefusedAndNothingIsWrittenThroughIt() throws Exception {
    confirm("python");
    // the host's operator adds links to the committed outputs as they are fetched: one to a file of
    // the user's (read), one to a folder of the user's (write through)
    Path secret = Files.writeString(tmp.resolve("user-secret.txt"), "mine");
    Path target = Files.createDirectories(tmp.resolve("user-folder"));
    server.beforeOpened(p -> {
      if (p.getFileName() != null && p.getFileName().toString().equals("outputs") && Files.isDirectory(p)
          && !Files.exists(p.resolve("zz-read"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try {
          Files.createSymbolicLink(p.resolve("zz-read"), secret);
          Files.createSymbolicLink(p.resolve("zz-write"), target);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err()).containsPattern("the host holds \\S+/outputs/zz-read, neither a file nor a folder")
        .contains("confide runs fetch run-python-");
    assertThat(out).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    assertThat(target).isEmptyDirectory();
    assertThat(secret).hasContent("mine");
  }
}
