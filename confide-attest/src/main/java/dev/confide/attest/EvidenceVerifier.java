package dev.confide.attest;

import dev.confide.attest.AttestationException.Reason;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Checks evidence against what a session accepts; every refusal says which check failed. */
public final class EvidenceVerifier {
  /**
   * What the verifier expects: the report data it computed, the accepted measurements, tolerations,
   * and the key hashes of the hosts whose simulated evidence counts (any other host key is refused:
   * anyone can make a key and sign claims with it). {@code measurements} null accepts any (the plan
   * step, before the runtime knows what it will measure).
   */
  public record Expectations(String reportData, Set<String> measurements, boolean toleratesSimulation,
      Set<String> trustedSimHosts, java.util.List<SnpAlternative> snp, Set<String> tolerate,
      dev.confide.attest.snp.SnpCollateral collateral, java.time.Instant at, java.util.List<TdxAlternative> tdx,
      dev.confide.attest.tdx.TdxCollateral tdxCollateral, Set<String> ignoreAdvisories) {
    public Expectations {
      measurements = measurements == null ? null : Set.copyOf(measurements);
      trustedSimHosts = Set.copyOf(trustedSimHosts);
      snp = snp == null ? java.util.List.of() : java.util.List.copyOf(snp);
      tolerate = tolerate == null ? Set.of() : Set.copyOf(tolerate);
      collateral = collateral == null ? dev.confide.attest.snp.SnpCollateral.of(java.util.List.of()) : collateral;
      at = at == null ? java.time.Instant.now() : at;
      tdx = tdx == null ? java.util.List.of() : java.util.List.copyOf(tdx);
      ignoreAdvisories = ignoreAdvisories == null ? Set.of() : Set.copyOf(ignoreAdvisories);
    }

    /** Expectations for simulated evidence only. */
    public Expectations(String reportData, Set<String> measurements, boolean toleratesSimulation, Set<String> trustedSimHosts) {
      this(reportData, measurements, toleratesSimulation, trustedSimHosts, null, null, null, null, null, null, null);
    }
  }

  /**
   * An attestation alternative that names {@code snp}: the guest's launch measurements (96 hex;
   * empty: any), its minimum TCB (null: none), its VMPL, and the Confide measurements (the
   * alternative's {@code mrenclave}) the report data may carry.
   */
  /**
   * An attestation alternative that names {@code tdx}: the TD's MRTDs (96 hex; empty: any), its
   * RTMRs by index (absent: any), and the Confide measurements (mrenclave) the report data may carry.
   */
  public record TdxAlternative(Set<String> mrTd, java.util.Map<Integer, String> rtmr, Set<String> measurements) {
    public TdxAlternative {
      mrTd = Set.copyOf(mrTd);
      rtmr = java.util.Map.copyOf(rtmr);
      measurements = Set.copyOf(measurements);
    }
  }

  public record SnpAlternative(Set<String> launchMeasurements, dev.confide.attest.snp.SnpTcb minimumTcb, int vmpl,
      Set<String> measurements) {
    public SnpAlternative {
      launchMeasurements = Set.copyOf(launchMeasurements);
      measurements = Set.copyOf(measurements);
    }
  }

  /** What verified evidence establishes. */
  public record Verified(String platform, String measurement, String hostKeyHash) {}

  public Verified verify(Evidence evidence, Expectations expected) throws AttestationException {
    return switch (evidence) {
      case SimEvidence sim -> verifySim(sim, expected);
      case SnpEvidence snp -> verifySnp(snp, expected);
      case TdxEvidence tdx -> verifyTdx(tdx, expected);
    };
  }

  /** As {@link #verifySnp}, for a TDX quote and the session's {@code tdx} alternatives. */
  private Verified verifyTdx(TdxEvidence evidence, Expectations expected) throws AttestationException {
    if (expected.tdx().isEmpty()) {
      throw new AttestationException(Reason.GUEST_POLICY, "the session accepts no Intel TDX evidence: none of its attestation"
          + " alternatives names 'tdx'", "add an alternative with 'tdx: {mrtd: [MRTD]}' (docs/session-language.md)");
    }
    dev.confide.attest.tdx.TdxVerifier verifier = new dev.confide.attest.tdx.TdxVerifier(expected.tdxCollateral() == null
        ? dev.confide.attest.tdx.TdxCollateral.empty() : expected.tdxCollateral(), expected.at());
    AttestationException first = null;
    for (TdxAlternative alternative : expected.tdx()) {
      try {
        dev.confide.attest.tdx.TdxVerifier.Verified v = verifier.verify(evidence.quote(), new dev.confide.attest.tdx.TdxPolicy(
            alternative.mrTd().isEmpty() ? null : alternative.mrTd(), alternative.rtmr(), expected.reportData(), expected.tolerate(),
            expected.ignoreAdvisories()), new java.util.ArrayList<>());
        String measurement = v.quote().reportDataHex().substring(64);
        if (expected.measurements() != null && !alternative.measurements().contains(measurement)) {
          throw new AttestationException(Reason.MEASUREMENT_NOT_ALLOWED, "measurement " + measurement
              + " is not in the service's mrenclave list " + alternative.measurements(),
              "if this program is the one you mean to run, add the value 'confide measure' prints to the service's attestation");
        }
        return new Verified(TdxEvidence.PLATFORM, measurement, Hashes.hex(Hashes.sha256().digest(v.pck().certificate().getEncoded())));
      } catch (AttestationException e) {
        if (first == null) {
          first = e;
        }
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new AttestationException(Reason.MALFORMED, "the quote's PCK certificate cannot be encoded", "send the quote as produced");
      }
    }
    throw first;
  }

  /**
   * The report checked against each of the session's {@code snp} alternatives (chain, signature,
   * TCB, launch measurement, debug, VMPL, the report data's first 32 bytes against this
   * attestation's), then the Confide measurement in its last 32 bytes against that alternative's
   * mrenclave. The first alternative's refusal is the one reported when none accepts it.
   */
  private Verified verifySnp(SnpEvidence evidence, Expectations expected) throws AttestationException {
    if (expected.snp().isEmpty()) {
      throw new AttestationException(Reason.GUEST_POLICY, "the session accepts no AMD SEV-SNP evidence: none of its attestation"
          + " alternatives names 'snp'", "add an alternative with 'snp: {measurement: [LAUNCH_MEASUREMENT]}' (docs/session-language.md)");
    }
    java.util.List<java.security.cert.X509Certificate> certs = new java.util.ArrayList<>();
    expected.collateral().keys().forEach(k -> certs.add(k.certificate()));
    for (byte[] der : evidence.certificates()) {
      try {
        certs.add((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(der)));
      } catch (java.security.cert.CertificateException | RuntimeException e) {
        throw new AttestationException(Reason.MALFORMED, "a certificate of the snp evidence is not X.509: " + e.getMessage(),
            "send the VCEK or VLEK as DER");
      }
    }
    dev.confide.attest.snp.SnpVerifier verifier = new dev.confide.attest.snp.SnpVerifier(
        dev.confide.attest.snp.SnpCollateral.of(certs), expected.at());
    AttestationException first = null;
    for (SnpAlternative alternative : expected.snp()) {
      try {
        dev.confide.attest.snp.SnpVerifier.Verified v = verifier.verify(evidence.report(), new dev.confide.attest.snp.SnpPolicy(
            alternative.launchMeasurements().isEmpty() ? null : alternative.launchMeasurements(), expected.reportData(),
            alternative.vmpl(), alternative.minimumTcb(), expected.tolerate()), new java.util.ArrayList<>());
        String measurement = v.report().reportDataHex().substring(64);
        if (expected.measurements() != null && !alternative.measurements().contains(measurement)) {
          throw new AttestationException(Reason.MEASUREMENT_NOT_ALLOWED, "measurement " + measurement
              + " is not in the service's mrenclave list " + alternative.measurements(),
              "if this program is the one you mean to run, add the value 'confide measure' prints to the service's attestation");
        }
        return new Verified(SnpEvidence.PLATFORM, measurement,
            dev.confide.attest.snp.SnpProduct.fingerprintOf(v.key().certificate()));
      } catch (AttestationException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    throw first;
  }

  /**
   * Signature and host first: whoever holds no trusted host key learns nothing of the session from
   * the refusal (an unknown session trusts no host and is refused the same way).
   */
  private Verified verifySim(SimEvidence sim, Expectations expected) throws AttestationException {
    if (sim.hostKey().length != Ed25519PublicKeyParameters.KEY_SIZE) {
      throw new AttestationException(Reason.MALFORMED, "the sim evidence's host key is malformed", "produce it with confide's runtime");
    }
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(sim.hostKey(), 0));
    byte[] claims = sim.claims();
    v.update(claims, 0, claims.length);
    if (!v.verifySignature(sim.signature())) {
      throw new AttestationException(Reason.BAD_SIGNATURE, "the sim evidence's signature does not verify: it was altered",
          "produce fresh evidence");
    }
    String host = hostKeyHash(sim);
    if (!expected.trustedSimHosts().contains(host)) {
      throw new AttestationException(Reason.UNTRUSTED_HOST, "simulated evidence signed by host key " + host
          + ", which this session does not trust: anyone can make a key and sign claims with it",
          "if that is your host (confide host init prints its key hash), add it to the session's"
              + " security.attestation.sim_hosts, or register it with 'confide host trust " + host + "'");
    }
    if (!expected.toleratesSimulation()) {
      throw new AttestationException(Reason.SIMULATION_NOT_TOLERATED,
          "simulated (sim) evidence is not accepted: the session does not tolerate simulation",
          "add 'simulation' to security.attestation.tolerate in the session to allow it (never for real secrets)");
    }
    String[] parsed = sim.parsedClaims();
    if (!parsed[1].equals(expected.reportData())) {
      throw new AttestationException(Reason.REPORT_DATA_MISMATCH,
          "the evidence is bound to another nonce or runtime key (report data differs): it is replayed or not this runtime's",
          "attest again with a fresh nonce");
    }
    if (expected.measurements() != null && !expected.measurements().contains(parsed[0])) {
      throw new AttestationException(Reason.MEASUREMENT_NOT_ALLOWED, "measurement " + parsed[0]
          + " is not in the service's mrenclave list " + expected.measurements(),
          "if this program is the one you mean to run, add the value 'confide measure' prints to the service's attestation");
    }
    return new Verified(sim.platform(), parsed[0], host);
  }

  /** The SHA-256 (hex) of the host key that signed {@code sim}: how sessions and the CAS name hosts. */
  public static String hostKeyHash(SimEvidence sim) {
    return Hashes.hex(Hashes.sha256().digest(sim.hostKey()));
  }
}
