package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.cas.api.RunPlan;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launch's plan hint (what the client expects the service to start) in real runs: a right one
 * attests without asking the CAS for the plan; a wrong one costs a refused attempt and falls back to
 * the plan; one the session also admits, for another program than its command starts, is refused by
 * the runtime before anything runs.
 */
class PlanHintRunTest {
  @TempDir Path tmp;
  RunFixture host;
  Map<String, Path> volumes;
  String python;
  String shell;

  @BeforeEach
  void setUp() throws Exception {
    host = new RunFixture(tmp);
    Path code = Files.createDirectories(tmp.resolve("code"));
    Files.writeString(code.resolve("main.py"), "print('ran the session\\'s program')\n");
    SymmetricKey key = SymmetricKey.generate();
    SealResult sealed = new VolumeSealer().seal(code, tmp.resolve("code-volume"), key, Progress.NONE);
    python = host.python("/usr/bin:/bin");
    shell = host.measurer.measure(List.of("sh"), "/usr/bin:/bin").value();
    host.cas.user.createSession("""
        name: hinted
        services:
          - name: app
            image_name: img
            command: python3 /code/main.py
            environment: {PATH: /usr/bin:/bin}
            stream_output: true
            attestation: [{mrenclave: [%s, %s]}]
        volumes: [{name: code, key: %s, tag: %s}]
        images: [{name: img, volumes: [{name: code, path: /code, read_only: true}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(python, shell, HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex()));
    volumes = Map.of("code", tmp.resolve("code-volume"));
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private RunRequest hinted(RunPlan hint) {
    return new RunRequest("hinted", "app", volumes, true, null, null, null, null, null, hint);
  }

  /** How many requests of {@code route} the CAS answered with {@code status}. */
  private long answered(String route, int status) {
    Matcher m = Pattern.compile("confide_cas_requests_seconds_count\\{route=\"" + Pattern.quote(route) + "\",status=\"" + status
        + "\",?} ([0-9.]+)").matcher(host.cas.user.metrics());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aRightHintAttestsWithoutAskingForThePlan() throws Exception {
    RunFixture.Outcome run = host.run(hinted(new RunPlan("python3", "/usr/bin:/bin", List.of())));
    assertThat(run.report().exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("ran the session's program");
    assertThat(answered("attest.plan", 200)).isZero();
    assertThat(answered("attest", 200)).isEqualTo(1);
  }

  @Test
  void aWrongHintFallsBackToThePlan() throws Exception {
    RunFixture.Outcome run = host.run(hinted(new RunPlan("python3", "/usr/bin:/bin", List.of("/usr/share/doc"))));
    assertThat(run.report().exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("ran the session's program");
    // refusals are counted under one route, whichever was refused: the hinted attempt is the only one here
    assertThat(answered("refused", 403)).as("the hinted measurement, refused").isEqualTo(1);
    assertThat(answered("attest.plan", 200)).isEqualTo(1);
    assertThat(answered("attest", 200)).isEqualTo(1);
  }

  @Test
  void aHintForAnotherProgramTheSessionAdmitsIsRefusedBeforeAnythingRuns() {
    // the session admits sh's measurement too, but its command starts python3: the configuration the
    // CAS releases for sh's measurement names python3, which this runtime did not measure
    assertThatThrownBy(() -> host.run(hinted(new RunPlan("sh", "/usr/bin:/bin", List.of()))))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.INTEGRITY))
        .hasMessage("the configuration the CAS released starts another program than the one measured");
  }
}
