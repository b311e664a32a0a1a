package dev.confide.runtime.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.AttestationException;
import dev.confide.cas.common.CasException;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.RuntimeFailure;
import dev.confide.volume.Failure;
import dev.confide.volume.VolumeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runtime's event lines: what a client reads from a host it does not trust. */
class RunEventCodecTest {
  private final RunEventCodec codec = new RunEventCodec();

  @Test
  void everyEventSurvivesItsLineAndALineIsOneLine() throws Exception {
    RunReport report = new RunReport("sim", true, "s", "app", "ab".repeat(32), "/usr/bin/python3.11", 3,
        List.of(new RunReport.VolumeOutcome("out", "/out", new dev.confide.volume.Tag("a".repeat(64)), new dev.confide.volume.Tag("b".repeat(64)), true)),
        Map.of("attest", 12L), "/out/confide-run.log");
    List<RunEvent> events = List.of(new RunEvent.PhaseStarted("attest"), new RunEvent.PhaseEnded("attest", 212),
        new RunEvent.Progress("open", 1 << 20, 50 << 20), new RunEvent.Finished(report),
        new RunEvent.Failed("cas", "rollback", 409, "a line\nwith a break", "hint"));
    for (RunEvent e : events) {
      String line = codec.encode(e);
      assertThat(line).doesNotContain("\n").startsWith("{\"event\":\"");
      assertThat(codec.decode(line)).contains(e);
    }
    assertThat(codec.encode(new RunEvent.PhaseEnded("open", 5))).isEqualTo("{\"event\":\"phase_ended\",\"phase\":\"open\",\"millis\":5}");
  }

  @Test
  void anEventOfANewerRuntimeIsSkippedAndGarbageIsRefused() throws Exception {
    assertThat(codec.decode("{\"event\":\"heartbeat\",\"at\":1}")).isEmpty();
    assertThat(codec.decode("{\"event\":\"phase_started\",\"phase\":\"attest\",\"new_field\":true}"))
        .contains(new RunEvent.PhaseStarted("attest"));
    for (String bad : List.of("", "hello", "[1]", "{\"phase\":\"attest\"}", "{\"event\":3}", "{\"event\":\"phase_ended\",\"millis\":\"x\"}")) {
      assertThatThrownBy(() -> codec.decode(bad)).as(bad).isInstanceOf(RunEventCodec.MalformedEventException.class);
    }
    String huge = "{\"event\":\"phase_started\",\"phase\":\"" + "x".repeat(RunEventCodec.MAX_LINE) + "\"}";
    assertThatThrownBy(() -> codec.decode(huge)).isInstanceOf(RunEventCodec.MalformedEventException.class)
        .hasMessageContaining("at most " + RunEventCodec.MAX_LINE);
    assertThatThrownBy(() -> codec.decode("\u001b[2J{not json")).hasMessageNotContaining("\u001b");
  }

  @Test
  void aFailureCrossesTheProcessBoundaryAsTheExceptionItWas() {
    Exception attest = RunFailures.rebuild(RunFailures.describe(new AttestationException(
        AttestationException.Reason.UNTRUSTED_HOST, "host k is not trusted", "trust it")));
    assertThat(attest).isInstanceOfSatisfying(AttestationException.class, a -> {
      assertThat(a.reason()).isEqualTo(AttestationException.Reason.UNTRUSTED_HOST);
      assertThat(a).hasMessage("host k is not trusted");
      assertThat(a.hint()).isEqualTo("trust it");
    });
    assertThat(RunFailures.rebuild(RunFailures.describe(new CasException(409, "rollback", "m", "h"))))
        .isInstanceOfSatisfying(CasException.class, c -> assertThat(List.of(c.status(), c.error())).containsExactly(409, "rollback"));
    assertThat(RunFailures.rebuild(RunFailures.describe(new VolumeException(Failure.INTEGRITY, "m", "h"))))
        .isInstanceOfSatisfying(VolumeException.class, v -> assertThat(v.failure()).isEqualTo(Failure.INTEGRITY));
    assertThat(RunFailures.rebuild(RunFailures.describe(new RuntimeFailure(RuntimeFailure.Kind.CANCELLED, "m", "h"))))
        .isInstanceOfSatisfying(RuntimeFailure.class, r -> assertThat(r.kind()).isEqualTo(RuntimeFailure.Kind.CANCELLED));
    // the same exit code whichever process failed
    for (Exception e : List.<Exception>of(new CasException(409, "rollback", "m", "h"),
        new AttestationException(AttestationException.Reason.MEASUREMENT_NOT_ALLOWED, "m", "h"))) {
      assertThat(RunFailures.report(RunFailures.rebuild(RunFailures.describe(e))).exitCode())
          .isEqualTo(RunFailures.report(e).exitCode());
    }
    // a bug, or a kind this version does not know: an internal failure that keeps the runtime's words
    assertThat(RunFailures.rebuild(RunFailures.describe(new IllegalStateException("boom"))))
        .isInstanceOfSatisfying(RuntimeFailure.class, r -> {
          assertThat(r.kind()).isEqualTo(RuntimeFailure.Kind.INTERNAL);
          assertThat(r.getMessage()).contains("boom");
        });
    assertThat(RunFailures.rebuild(new RunEvent.Failed("attestation", "quantum_flux", 0, "m", "h")))
        .isInstanceOfSatisfying(RuntimeFailure.class, r -> assertThat(r.getMessage()).isEqualTo("m (attestation quantum_flux)"));
    assertThat(RunFailures.report(RunFailures.rebuild(new RunEvent.Failed(null, null, 0, null, null))).exitCode())
        .isEqualTo(dev.confide.runtime.ExitCodes.SOFTWARE);
  }

  @Test
  void anApproachLineIsToldApartFromALaunchLine() throws Exception {
    RunEventCodec codec = new RunEventCodec();
    RunApproach approach = new RunApproach(java.net.URI.create("https://127.0.0.1:8081"), "SHA256:abc");
    String line = codec.encode(approach);
    assertThat(line).isEqualTo("{\"approach\":{\"cas\":\"https://127.0.0.1:8081\",\"cas_fingerprint\":\"SHA256:abc\"}}");
    assertThat(codec.decodeApproach(line)).contains(approach);
    String launch = codec.encode(new RunLaunch(approach.cas(), "SHA256:abc", "s", "app", java.util.Map.of(), false));
    assertThat(codec.decodeApproach(launch)).isEmpty();
    assertThat(codec.decodeApproach("{\"approach\":{\"cas\":\"https://x\"}}")).as("no fingerprint").isEmpty();
    assertThat(codec.decodeApproach("not json")).isEmpty();
    assertThat(approach.leadsTo(codec.decodeLaunch(launch))).isTrue();
  }
}
