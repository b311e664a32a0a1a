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

  /** The run's keys and its first nonce, made before the launch (HeadStart); the nonce is spent by the plan request. */
  record Opening(RuntimeKey key, AttestNonce nonce) {}

  /** The configuration, and the measurement it was released to. */
  record Attested(RunConfiguration configuration, Measurement measurement, Path executableCopy, EvidenceProvider evidence,
      RunCredentials run) {}

  /** Attests; the executable is copied into {@code copies} and the copy measured (it is what the run starts). */
  Attested attest(String session, String service, String oneTimePassword, Path copies) throws dev.confide.attest.AttestationException {
    // the trees the last run measured are measured again while the plan is asked for: the plan names them, most likely
    Measurer.Ahead ahead = measurer.measureAhead();
    RuntimeKey key = opening != null ? opening.key() : RuntimeKey.generate();
    AttestNonce first = opening != null ? opening.nonce() : cas.nonce();
    // first what to measure: released only for evidence from a trusted host, claiming the runtime alone
    RunPlan plan = key.openPlan(cas.plan(request(session, service, key, measurer.runtimeDigest(), first, null)));
    Measurer.Copied copied = measurer.measureCopy(List.of(plan.executable()), plan.path(), plan.measuredTrees(),
        copies.resolve("executable"), ahead);
    Path copy = copied.copy();
    Measurement measurement = copied.measurement();
    AttestRequest request = request(session, service, key, measurement.value(), cas.nonce(), oneTimePassword);
    RunConfiguration config = key.open(cas.attest(request));
    String path = config.environment().getOrDefault("PATH", RunCommand.DEFAULT_PATH);
    if (!RunCommand.executable(config.command()).equals(plan.executable()) || !path.equals(plan.path())) {
      throw new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "the configuration the CAS released starts another program than the one measured",
          "the session changed during the handshake: run again");
    }
    return new Attested(config, measurement, copy, evidence, new RunCredentials(config.runToken(), key));
  }

  /** Evidence claiming {@code measurement}, bound to {@code nonce} and both of the run's keys. */
  private AttestRequest request(String session, String service, RuntimeKey key, String measurement, AttestNonce nonce,
      String oneTimePassword) throws dev.confide.attest.AttestationException {
    String reportData = ReportData.of(HexFormat.of().parseHex(nonce.nonce()), key.publicKeyset(), key.signingKey());
    return new AttestRequest(session, service, nonce.nonce(), evidence.platform(), evidence.produce(measurement, reportData).encode(),
        Base64.getEncoder().encodeToString(key.publicKeyset()), Base64.getEncoder().encodeToString(key.signingKey()), oneTimePassword);
  }
}
