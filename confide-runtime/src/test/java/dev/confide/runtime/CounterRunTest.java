package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.ReportData;
import dev.confide.attest.SimEvidenceProvider;
import dev.confide.cas.api.AttestNonce;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.cas.common.CasException;
import dev.confide.policy.SessionTemplate;
import dev.confide.volume.Failure;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeException;
import dev.confide.volume.VolumeSealer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003's stateful counter, run for real (CAS over HTTPS, bubblewrap, python3): it counts 0, 1, 2
 * across runs, and every attack of the seed is refused with its own reason.
 */
class CounterRunTest {
  static final Path EXAMPLE = Path.of("../examples/python/counter");

  @TempDir Path tmp;
  RunFixture host;
  Path code;
  Path v1;
  Path staging;
  SymmetricKey codeKey;
  SealResult codeSeal;

  @BeforeEach
  void setUp() throws Exception {
    host = new RunFixture(tmp);
    code = tmp.resolve("code-volume");
    codeKey = SymmetricKey.generate();
    codeSeal = new VolumeSealer().seal(EXAMPLE, code, codeKey, Progress.NONE);
    v1 = tmp.resolve("v1-volume");
    Files.createDirectories(v1);
    staging = Files.createTempDirectory(Path.of("/dev/shm"), "confide-test-");
    host.cas.user.createSession(session("counter", "/usr/bin:/bin", true));
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
    try (Stream<Path> left = Files.list(staging)) {
      assertThat(left).as("the staging area is wiped after every run").isEmpty();
    }
    Files.delete(staging);
  }

  String session(String name, String path, boolean tolerateSimulation) throws Exception {
    String template = Files.readString(EXAMPLE.resolve("session.yaml")).replace("PATH: /usr/bin:/bin", "PATH: " + path);
    if (!tolerateSimulation) {
      template = template.replace("    tolerate: [simulation]\n", "    tolerate: []\n");
    }
    String measurement = host.python(path);
    return SessionTemplate.fill("session.yaml", template, Map.of("SESSION", name, "CODE_KEY",
        HexFormat.of().formatHex(codeKey.copyBytes()), "CODE_TAG", codeSeal.tag().hex(), "MEASUREMENT", measurement));
  }

  RunFixture.Outcome run(String session, Path v1Dir, Sandbox sandbox, CasClient client) throws Exception {
    return host.run(new RunRequest(session, "counter", Map.of("code", code, "V1", v1Dir), true, staging), sandbox, client);
  }

  RunFixture.Outcome run() throws Exception {
    return run("counter", v1, Bubblewrap.find(), host.cas.runtime);
  }

  @Test
  void countsZeroOneTwoAcrossRunsAndMovesTheTag() throws Exception {
    dev.confide.volume.Tag tag = null;
    for (int i = 0; i < 3; i++) {
      RunFixture.Outcome o = run();
      assertThat(o.report().exitCode()).as(o.output()).isZero();
      assertThat(o.output()).contains("The number of executions is " + i);
      RunReport.VolumeOutcome volume = o.report().volumes().stream().filter(v -> v.volume().equals("V1")).findFirst().orElseThrow();
      assertThat(volume.oldTag()).isEqualTo(tag);
      assertThat(volume.newTag()).isNotEqualTo(tag).isEqualTo(host.cas.user.volume("counter", "V1").tag());
      tag = volume.newTag();
      assertThat(o.report().phaseMillis()).containsKeys("attest", "open", "program", "seal+swap", "wipe");
    }
  }

  @Test
  void aChangedCounterIsRefused() throws Exception {
    run();
    flipByteIn(largestObject(v1));
    assertThatThrownBy(this::run).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).startsWith("volume V1 (" + v1 + "):");
    });
  }

  @Test
  void anOlderCopyOfV1IsRefusedAsARollback() throws Exception {
    run();
    Path saved = copy(v1, tmp.resolve("v1-saved"));
    run();
    replace(v1, saved);
    assertThatThrownBy(this::run).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).contains("volume V1").contains("rolled back");
    });
  }

  @Test
  void aDeletedCounterIsRefused() throws Exception {
    run();
    try (Stream<Path> files = Files.walk(v1.resolve("objects"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.delete(f);
      }
    }
    assertThatThrownBy(this::run).isInstanceOfSatisfying(VolumeException.class,
        e -> assertThat(e.failure()).isEqualTo(Failure.INTEGRITY));
    replace(v1, Files.createDirectories(tmp.resolve("empty")));
    assertThatThrownBy(this::run).isInstanceOfSatisfying(RuntimeFailure.class, e -> {
      assertThat(e.kind()).isEqualTo(RuntimeFailure.Kind.INTEGRITY);
      assertThat(e.getMessage()).contains("volume V1 is missing from " + v1);
    });
  }

  @Test
  void aChangedProgramIsRefused() throws Exception {
    flipByteIn(largestObject(code));
    assertThatThrownBy(this::run).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).startsWith("volume code (");
    });
  }

  @Test
  void aProgramSealedUnderAnotherKeyIsRefused() throws Exception {
    Path evil = Files.createDirectories(tmp.resolve("evil"));
    Files.writeString(evil.resolve("counter.py"), "print('The number of executions is 42')\n");
    Path evilVolume = tmp.resolve("evil-volume");
    new VolumeSealer().seal(evil, evilVolume, SymmetricKey.generate(), Progress.NONE);
    replace(code, evilVolume);
    assertThatThrownBy(this::run).isInstanceOf(VolumeException.class).hasMessageStartingWith("volume code (");
  }

  @Test
  void aSwappedEngineIsRefusedByItsMeasurement() throws Exception {
    Path engines = Files.createDirectories(tmp.resolve("engines"));
    Path python = engines.resolve("python3");
    Files.copy(Path.of("/usr/bin/python3").toRealPath(), python);
    host.cas.user.createSession(session("counter-copy", engines + ":/usr/bin:/bin", true));
    Files.write(python, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> run("counter-copy", v1, Bubblewrap.find(), host.cas.runtime))
        .isInstanceOfSatisfying(CasException.class, e -> {
          assertThat(e.error()).isEqualTo("attestation_measurement_not_allowed");
          assertThat(e.status()).isEqualTo(403);
        });
  }

  @Test
  void aSessionThatDoesNotTolerateSimulationIsRefused() throws Exception {
    host.cas.user.createSession(session("counter-hw", "/usr/bin:/bin", false));
    assertThatThrownBy(() -> run("counter-hw", v1, Bubblewrap.find(), host.cas.runtime))
        .isInstanceOfSatisfying(CasException.class, e -> {
          assertThat(e.error()).isEqualTo("attestation_simulation_not_tolerated");
          assertThat(e.hint()).contains("tolerate").contains("simulation");
        });
  }

  @Test
  void theHostCannotMountAnotherDirectoryIntoTheProgram() throws Exception {
    StringWriter out = new StringWriter();
    ConfidentialRun runtime = new ConfidentialRun(host.cas.runtime, host.measurer, host.hostKey, Bubblewrap.find(), new PrintWriter(out));
    RunRequest extra = new RunRequest("counter", "counter",
        Map.of("code", code, "V1", v1, "num", Files.createDirectories(tmp.resolve("tmp-num"))), false, staging);
    assertThatThrownBy(() -> runtime.run(extra, new PhaseClock())).isInstanceOfSatisfying(RuntimeFailure.class, e -> {
      assertThat(e.kind()).isEqualTo(RuntimeFailure.Kind.USAGE);
      assertThat(e.getMessage()).contains("mounts no volume 'num'");
    });
  }

  @Test
  void oneDirectoryForTwoVolumesAndAMountInsideTheSystemAreRefused() throws Exception {
    ConfidentialRun runtime = new ConfidentialRun(host.cas.runtime, host.measurer, host.hostKey, Bubblewrap.find(), new PrintWriter(new StringWriter()));
    assertThatThrownBy(() -> runtime.run(new RunRequest("counter", "counter", Map.of("code", code, "V1", code), false, staging),
        new PhaseClock())).isInstanceOfSatisfying(RuntimeFailure.class, e -> {
          assertThat(e.kind()).isEqualTo(RuntimeFailure.Kind.USAGE);
          assertThat(e.getMessage()).contains("are both given " + code);
        });
    // refused when the session is created already (the runtime refuses it too, for a CAS that let it through)
    assertThatThrownBy(() -> host.cas.user.createSession(session("counter-usr", "/usr/bin:/bin", true)
        .replace("path: /V1}", "path: /usr/V1}"))).hasMessageContaining("mounted at /usr/V1, inside /usr");
  }

  @Test
  void replayedEvidenceIsRefused() throws Exception {
    AttestNonce nonce = host.cas.runtime.nonce();
    RuntimeKey key = RuntimeKey.generate();
    String evidence = new SimEvidenceProvider(host.hostKey).produce(host.measurer.measure(List.of("python3"), "/usr/bin:/bin"),
        ReportData.of(HexFormat.of().parseHex(nonce.nonce()), key.publicKeyset(), key.signingKey())).encode();
    AttestRequest request = new AttestRequest("counter", "counter", nonce.nonce(), "sim", evidence,
        Base64.getEncoder().encodeToString(key.publicKeyset()), Base64.getEncoder().encodeToString(key.signingKey()));
    assertThat(key.open(host.cas.runtime.attest(request)).runToken()).isNotBlank();
    assertThatThrownBy(() -> host.cas.runtime.attest(request))
        .isInstanceOfSatisfying(CasException.class, e -> assertThat(e.error()).isEqualTo("nonce_reused"));
    AttestNonce fresh = host.cas.runtime.nonce();
    AttestRequest replayed = new AttestRequest("counter", "counter", fresh.nonce(), "sim", evidence,
        Base64.getEncoder().encodeToString(key.publicKeyset()), Base64.getEncoder().encodeToString(key.signingKey()));
    assertThatThrownBy(() -> host.cas.runtime.attest(replayed))
        .isInstanceOfSatisfying(CasException.class, e -> assertThat(e.error()).isEqualTo("attestation_report_data_mismatch"));
  }

  @Test
  void ofTwoConcurrentRunsFromOneTagExactlyOneCommits() throws Exception {
    run();
    Path copy = copy(v1, tmp.resolve("v1-second-host"));
    CyclicBarrier bothOpened = new CyclicBarrier(2);
    Sandbox real = Bubblewrap.find();
    Sandbox afterBothOpened = (plan, output, launcher) -> {
      try {
        bothOpened.await();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return real.start(plan, output, launcher);
    };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (CasClient second = host.cas.client()) {
      Future<RunFixture.Outcome> a = pool.submit(() -> run("counter", v1, afterBothOpened, host.cas.runtime));
      Future<RunFixture.Outcome> b = pool.submit(() -> run("counter", copy, afterBothOpened, second));
      List<RunFixture.Outcome> committed = new ArrayList<>();
      List<Throwable> refused = new ArrayList<>();
      for (Future<RunFixture.Outcome> f : List.of(a, b)) {
        try {
          committed.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          refused.add(e.getCause());
        }
      }
      assertThat(committed).hasSize(1);
      assertThat(committed.getFirst().output()).contains("The number of executions is 1");
      assertThat(refused).singleElement().isInstanceOfSatisfying(RuntimeFailure.class, e -> {
        assertThat(e.kind()).isEqualTo(RuntimeFailure.Kind.CONFLICT);
        assertThat(e.getMessage()).contains("volume V1 was not committed");
      });
      Path winner = a.state() == Future.State.SUCCESS ? v1 : copy;
      RunFixture.Outcome next = run("counter", winner, real, host.cas.runtime);
      assertThat(next.output()).contains("The number of executions is 2");
    } finally {
      pool.shutdownNow();
    }
  }

  static Path largestObject(Path volume) throws IOException {
    try (Stream<Path> files = Files.walk(volume.resolve("objects"))) {
      return files.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
  }

  static void flipByteIn(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x01);
    }
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  static void replace(Path dir, Path with) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    copy(with, dir);
  }
}
