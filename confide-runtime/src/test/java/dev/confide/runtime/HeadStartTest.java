package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.runtime.events.RunApproach;
import dev.confide.runtime.events.RunLaunch;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime told its CAS before its launch connects and makes its keys ahead, and the run uses
 * them only for a launch to that CAS under that fingerprint; a head start that failed or went to
 * another CAS is dropped, and a run started with one attests as any other.
 */
class HeadStartTest {
  @TempDir Path tmp;
  RunFixture host;

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private RunLaunch launch(URI cas, String fingerprint) {
    return new RunLaunch(cas, fingerprint, "s", "app", Map.of(), false);
  }

  @Test
  void itIsUsedOnlyForALaunchToTheSameCasAndFingerprint() throws Exception {
    host = new RunFixture(tmp);
    URI cas = URI.create(host.cas.server.url());
    String fingerprint = host.cas.server.fingerprint();
    HeadStart.Ready ready = HeadStart.begin(new RunApproach(cas, fingerprint)).forLaunch(launch(cas, fingerprint));
    assertThat(ready).isNotNull();
    assertThat(ready.opening().nonce().nonce()).matches("[0-9a-f]{64}");
    ready.client().close();
    assertThat(HeadStart.begin(new RunApproach(cas, fingerprint)).forLaunch(launch(cas, "SHA256:" + "A".repeat(43)))).isNull();
    assertThat(HeadStart.begin(new RunApproach(cas, fingerprint)).forLaunch(launch(URI.create("https://127.0.0.2:1"), fingerprint)))
        .isNull();
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    URI dead = URI.create("https://127.0.0.1:" + closed);
    assertThat(HeadStart.begin(new RunApproach(dead, fingerprint)).forLaunch(launch(dead, fingerprint)))
        .as("a head start that could not connect leaves the run to connect itself").isNull();
  }

  @Test
  void aRunStartedWithItsKeysAndNonceMadeAheadAttestsAndRuns() throws Exception {
    host = new RunFixture(tmp);
    host.cas.user.createSession("""
        name: ahead
        services:
          - name: app
            command: python3 -c "print('ran after a head start')"
            environment: {PATH: /usr/bin:/bin}
            stream_output: true
            attestation: [{mrenclave: [%s]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(host.python("/usr/bin:/bin")));
    URI cas = URI.create(host.cas.server.url());
    String fingerprint = host.cas.server.fingerprint();
    HeadStart.Ready ready = HeadStart.begin(new RunApproach(cas, fingerprint)).forLaunch(launch(cas, fingerprint));
    java.io.StringWriter out = new java.io.StringWriter();
    try (var client = ready.client()) {
      RunReport report = new ConfidentialRun(client, host.measurer, new dev.confide.attest.SimEvidenceProvider(host.hostKey),
          Bubblewrap.find(), new java.io.PrintWriter(out, true), ShutdownHooks.JVM, ready.opening())
          .run(new RunRequest("ahead", "app", Map.of(), true, null), new PhaseClock());
      assertThat(report.exitCode()).as(out.toString()).isZero();
    }
    assertThat(out.toString()).contains("ran after a head start");
  }
}
