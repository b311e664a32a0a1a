package dev.confide.runtime;

import dev.confide.attest.EvidenceProvider;
import dev.confide.attest.Measurement;
import dev.confide.attest.Measurer;
import dev.confide.attest.ReportData;
import dev.confide.cas.api.AttestNonce;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.api.RunPlan;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RunCredentials;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.policy.RunCommand;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The runtime's half of the handshake: a plan (evidence claiming only the runtime, from a trusted
 * host, gets what the service starts and its PATH, sealed to the run's key), the measurement of a
 * copy of that executable, evidence binding it to H(nonce ‖ HPKE key ‖ run key), and the
 * configuration the CAS seals to that key. What arrives is checked against what was measured, so
 * a CAS answer for another program can never be run under this measurement.
 */
final class Attestor {
  private final CasClient cas;
  private final Measurer measurer;
  private final EvidenceProvider evidence;
  private final Opening opening;

  Attestor(CasClient cas, Measurer measurer, EvidenceProvider evidence, Opening opening) {
    this.cas = cas;
    this.measurer = measurer;
    this.evidence = evidence;
    this.opening = opening;
  }

  /** The run's keys and its first nonce, made before the launch (HeadStart); the nonce is spent by the first request. */
  record Opening(RuntimeKey key, AttestNonce nonce) {}

  /** The configuration, and the measurement it was released to. */
  record Attested(RunConfiguration configuration, Measurement measurement, Path executableCopy, EvidenceProvider evidence,
      RunCredentials run) {}

  /**
   * Attests; the executable is copied into {@code copies} and the copy measured (it is what the run
   * starts). With a {@code hint} (what the client expects the service to start) it measures that
   * and attests at once; a measurement the CAS does not accept sends it the usual way: the plan first.
   */
  Attested attest(String session, String service, dev.confide.cas.api.StartCredentials start, RunPlan hint, Path copies)
      throws dev.confide.attest.AttestationException {
    RuntimeKey key = opening != null ? opening.key() : RuntimeKey.generate();
    AttestNonce first = opening != null ? opening.nonce() : cas.nonce();
    if (hint != null) {
      Measurer.Copied copied = measurer.measureCopy(List.of(hint.executable()), hint.path(), hint.measuredTrees(),
          copies.resolve("executable"), null);
      try {
        RunConfiguration config = key.open(cas.attest(request(session, service, key, copied.measurement().value(), first,
            start)));
        return attested(config, hint, copied, key);
      } catch (dev.confide.cas.common.CasException e) {
        if (!"attestation_measurement_not_allowed".equals(e.error())) {
          throw e;
        }
        // the hint was not what the session runs: its copy goes, and the plan says what to measure
        try {
          java.nio.file.Files.deleteIfExists(copies.resolve("executable"));
        } catch (java.io.IOException gone) {
          throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot remove the executable copied for the launch's hint: "
              + gone.getMessage(), "check the staging area", gone);
        }
        first = cas.nonce();
      }
    }
    // the trees the last run measured are measured again while the plan is asked for: the plan names them, most likely
    Measurer.Ahead ahead = measurer.measureAhead();
    // first what to measure: released only for evidence from a trusted host, claiming the runtime alone
    RunPlan plan = key.openPlan(cas.plan(request(session, service, key, measurer.runtimeDigest(), first, dev.confide.cas.api.StartCredentials.NONE)));
    Measurer.Copied copied = measurer.measureCopy(List.of(plan.executable()), plan.path(), plan.measuredTrees(),
        copies.resolve("executable"), ahead);
    AttestRequest request = request(session, service, key, copied.measurement().value(), cas.nonce(), start);
    return attested(key.open(cas.attest(request)), plan, copied, key);
  }

  /** The configuration, checked to start the program that was measured. */
  private Attested attested(RunConfiguration config, RunPlan plan, Measurer.Copied copied, RuntimeKey key) {
    String path = config.environment().getOrDefault("PATH", RunCommand.DEFAULT_PATH);
    if (!RunCommand.executable(config.command()).equals(plan.executable()) || !path.equals(plan.path())) {
      throw new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "the configuration the CAS released starts another program than the one measured",
          "the session changed during the handshake: run again");
    }
    return new Attested(config, copied.measurement(), copied.copy(), evidence, new RunCredentials(config.runToken(), key));
  }

  /** Evidence claiming {@code measurement}, bound to {@code nonce} and both of the run's keys. */
  private AttestRequest request(String session, String service, RuntimeKey key, String measurement, AttestNonce nonce,
      dev.confide.cas.api.StartCredentials start) throws dev.confide.attest.AttestationException {
    String reportData = ReportData.of(HexFormat.of().parseHex(nonce.nonce()), key.publicKeyset(), key.signingKey());
    return new AttestRequest(session, service, nonce.nonce(), evidence.platform(), evidence.produce(measurement, reportData).encode(),
        Base64.getEncoder().encodeToString(key.publicKeyset()), Base64.getEncoder().encodeToString(key.signingKey()), start.oneTimePassword(),
        start.accessToken());
  }
}
