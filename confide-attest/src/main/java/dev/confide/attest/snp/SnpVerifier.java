package dev.confide.attest.snp;

import dev.confide.attest.AttestationException;
import dev.confide.attest.AttestationException.Reason;
import dev.confide.attest.Check;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/**
 * Verifies an AMD SEV-SNP report as go-sev-guest and Trustee do, and says which check failed:
 * the report's form; the VEK that signed it (a VCEK for its chip ID and reported TCB, or a VLEK) in
 * the collateral; the chain VEK ← ASK (or ASVK) ← ARK to the product line's pinned root, each
 * certificate valid at the verification time; the report's ECDSA P-384 signature; the VCEK's
 * chip ID and TCB extensions against the report; then the policy: report data, measurement,
 * debug, VMPL, minimum TCB. Every step is logged as a {@link Check}, so that {@code confide attest
 * verify} can print what held before the first that failed.
 */
public final class SnpVerifier {
  private final SnpCollateral collateral;
  private final Instant at;

  public SnpVerifier(SnpCollateral collateral, Instant at) {
    this.collateral = collateral;
    this.at = at;
  }

  /** A certificate of the chain, as printed. */
  public record ChainEntry(String role, String subject, Instant notBefore, Instant notAfter, String sha256) {}

  /** What a verified report establishes. */
  public record Verified(SnpReport report, SnpProduct product, VekCertificate key, SnpTcb reportedTcb, List<ChainEntry> chain,
      boolean tcbOutdated) {}

  /** Verifies {@code bytes} against {@code policy}; {@code log} gets every check, the failed one last. */
  public Verified verify(byte[] bytes, SnpPolicy policy, List<Check> log) throws AttestationException {
    SnpReport report = step(log, "report", () -> SnpReport.parse(bytes), r -> "version " + r.version() + ", VMPL " + r.vmpl()
        + ", policy 0x" + Long.toHexString(r.policy()) + (r.debug() ? " (debug)" : "") + ", signed by the " + r.signingKey());
    SnpReport.SigningKey signer = report.signingKey();
    if (signer == SnpReport.SigningKey.NONE) {
      throw fail(log, "report", Reason.BAD_SIGNATURE, "the report is not signed (its signing key is 'none')",
          "ask the guest's firmware for a report signed by its VCEK or VLEK");
    }
    Optional<SnpProduct> byCpuid = report.cpuidFamily() >= 0 ? SnpProduct.ofCpuid(report.cpuidFamily(), report.cpuidModel())
        : Optional.empty();
    Found found = findKey(report, signer, byCpuid, log);
    VekCertificate key = found.key();
    SnpProduct product = key.product().orElseThrow();
    List<ChainEntry> chain = chain(product, key, log);
    step(log, "signature", () -> {
      if (!found.signatureVerified()) {
        verifySignature(report, key);
      }
      return report;
    }, r -> "ECDSA P-384 over bytes 0x000-0x29F verifies with the " + key.kind());
    SnpTcb reported = product.tcb(report.reportedTcb());
    if (!reported.sameLevels(key.tcb())) {
      throw fail(log, "tcb", Reason.TCB, "the report's reported TCB (" + reported + ") is not the one the " + key.kind()
          + " was issued for (" + key.tcb() + ")", "fetch the " + key.kind() + " for the reported TCB");
    }
    if (key.kind() == VekCertificate.Kind.VCEK && !report.chipIdMasked() && !key.isChip(report.chipId())) {
      throw fail(log, "tcb", Reason.TCB, "the report's chip ID is not the VCEK's hardware ID (" + key.hwIdHex() + ")",
          "fetch the VCEK of the chip that signed it");
    }
    log.add(new Check("tcb", true, "reported " + reported + " = the " + key.kind() + "'s; current "
        + product.tcb(report.currentTcb()) + ", committed " + product.tcb(report.committedTcb())));
    boolean outdated = checkPolicy(report, reported, policy, log);
    return new Verified(report, product, key, reported, chain, outdated);
  }

  /** The VEK for a report, and whether finding it already verified the report's signature with it. */
  private record Found(VekCertificate key, boolean signatureVerified) {}

  private Found findKey(SnpReport report, SnpReport.SigningKey signer, Optional<SnpProduct> byCpuid, List<Check> log)
      throws AttestationException {
    VekCertificate.Kind kind = signer == SnpReport.SigningKey.VLEK ? VekCertificate.Kind.VLEK : VekCertificate.Kind.VCEK;
    List<VekCertificate> candidates = new ArrayList<>();
    for (VekCertificate k : collateral.keys()) {
      if (k.kind() != kind || k.product().isEmpty() || byCpuid.isPresent() && byCpuid.get() != k.product().get()) {
        continue;
      }
      if (kind == VekCertificate.Kind.VCEK && !report.chipIdMasked() && !k.isChip(report.chipId())) {
        continue;
      }
      candidates.add(k);
    }
    // of several (a chip's VCEKs at several TCBs, a provider's VLEKs), the one whose key verifies
    for (VekCertificate k : candidates) {
      if (k.tcb().sameLevels(k.product().get().tcb(report.reportedTcb())) && signatureVerifies(report, k)) {
        log.add(new Check("key", true, k.kind() + " " + k.productName() + " for " + k.tcb()));
        return new Found(k, true);
      }
    }
    if (!candidates.isEmpty()) {
      // the chip's: let the signature and TCB checks say what is wrong with it
      VekCertificate k = candidates.getFirst();
      log.add(new Check("key", true, k.kind() + " " + k.productName() + " for " + k.tcb()));
      return new Found(k, false);
    }
    String where = byCpuid.map(p -> p.title()).orElse("PRODUCT");
    String hint = kind == VekCertificate.Kind.VCEK
        ? "fetch it from AMD's KDS, https://kdsintf.amd.com/vcek/v1/" + where + "/" + report.chipIdHex() + "?"
            + kdsQuery(byCpuid.orElse(SnpProduct.MILAN).tcb(report.reportedTcb())) + (byCpuid.isEmpty()
                ? " (PRODUCT: the host's Milan, Genoa or Turin; a version " + report.version() + " report does not say)" : "")
            + ", and import it with 'confide cas collateral import DIR'"
        : "ask the cloud provider for its VLEK and import it with 'confide cas collateral import DIR'";
    throw fail(log, "key", Reason.NO_COLLATERAL, "the collateral holds no " + kind + (kind == VekCertificate.Kind.VCEK
        ? " for chip " + report.chipIdHex().substring(0, 16) + "..." : "") + (byCpuid.map(p -> " of " + p.title()).orElse("")),
        hint);
  }

  private static String kdsQuery(SnpTcb t) {
    return (t.fmc() >= 0 ? "fmcSPL=" + t.fmc() + "&" : "") + "blSPL=" + t.bootloader() + "&teeSPL=" + t.tee() + "&snpSPL=" + t.snp()
        + "&ucodeSPL=" + t.microcode();
  }

  private List<ChainEntry> chain(SnpProduct product, VekCertificate key, List<Check> log) throws AttestationException {
    SnpProduct.Authorities a = product.authorities();
    X509Certificate issuer = key.kind() == VekCertificate.Kind.VCEK ? a.ask() : a.asvk();
    String issuerRole = key.kind() == VekCertificate.Kind.VCEK ? "ASK" : "ASVK";
    List<ChainEntry> chain = List.of(entry(key.kind().name(), key.certificate()), entry(issuerRole, issuer), entry("ARK", a.ark()));
    signed(log, "ARK", a.ark(), a.ark(), "the pinned " + product.title() + " root");
    signed(log, issuerRole, issuer, a.ark(), "the " + product.title() + " ARK");
    signed(log, key.kind().name(), key.certificate(), issuer, "the " + product.title() + " " + issuerRole);
    for (ChainEntry e : chain) {
      X509Certificate c = e.role().equals("ARK") ? a.ark() : e.role().equals(issuerRole) ? issuer : key.certificate();
      try {
        c.checkValidity(Date.from(at));
      } catch (CertificateExpiredException | CertificateNotYetValidException e1) {
        throw fail(log, "validity", Reason.EXPIRED, "the " + e.role() + " (" + e.subject() + ") is valid from " + e.notBefore()
            + " to " + e.notAfter() + ", not at " + at, e1 instanceof CertificateExpiredException
                ? "fetch a current one (a VLEK or VCEK is reissued); to check old evidence, pin the time with --at"
                : "check this machine's clock, or pin the time with --at");
      }
    }
    log.add(new Check("validity", true, "every certificate is valid at " + at));
    return chain;
  }

  private static ChainEntry entry(String role, X509Certificate c) {
    String dn = c.getSubjectX500Principal().getName();
    String cn = dn.replaceAll(".*CN=([^,]*).*", "$1");
    return new ChainEntry(role, cn, c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), SnpProduct.fingerprint(c));
  }

  private static void signed(List<Check> log, String role, X509Certificate c, X509Certificate by, String byName)
      throws AttestationException {
    try {
      c.verify(by.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw fail(log, "chain", Reason.BAD_CHAIN, "the " + role + " (" + entry(role, c).subject() + ") is not signed by " + byName
          + " (" + e.getMessage() + ")", "use the " + role + " AMD issued; this one was altered or made by someone else");
    }
    log.add(new Check("chain", true, role + " signed by " + byName));
  }

  private static boolean signatureVerifies(SnpReport report, VekCertificate key) {
    try {
      verifySignature(report, key);
      return true;
    } catch (AttestationException e) {
      return false;
    }
  }

  /**
   * ECDSA P-384 with SHA-384, through BouncyCastle's curve-specific arithmetic: 5,000 verifications
   * a second here against the JDK's 600 (docs/benchmarks.md). A key that is not on P-384 does not verify.
   */
  private static void verifySignature(SnpReport report, VekCertificate key) throws AttestationException {
    if (key.certificate().getPublicKey() instanceof java.security.interfaces.ECPublicKey ec
        && ec.getParams().getCurve().getField().getFieldSize() == 384) {
      try {
        org.bouncycastle.math.ec.ECPoint q = P384.getCurve().createPoint(ec.getW().getAffineX(), ec.getW().getAffineY());
        org.bouncycastle.crypto.signers.ECDSASigner verifier = new org.bouncycastle.crypto.signers.ECDSASigner();
        verifier.init(false, new org.bouncycastle.crypto.params.ECPublicKeyParameters(q, P384));
        byte[] digest = java.security.MessageDigest.getInstance("SHA-384").digest(report.signed());
        if (verifier.verifySignature(digest, report.signatureR(), report.signatureS())) {
          return;
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // a point off the curve: it does not verify
      }
    }
    throw new AttestationException(Reason.BAD_SIGNATURE, "the report's signature does not verify with the " + key.kind()
        + ": the report was altered, or another key signed it", "give the report as the firmware wrote it, with its own "
        + key.kind());
  }

  private static final org.bouncycastle.crypto.params.ECDomainParameters P384 = domain();

  private static org.bouncycastle.crypto.params.ECDomainParameters domain() {
    org.bouncycastle.asn1.x9.X9ECParameters p = org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp384r1");
    return new org.bouncycastle.crypto.params.ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH());
  }

  private boolean checkPolicy(SnpReport report, SnpTcb reported, SnpPolicy policy, List<Check> log) throws AttestationException {
    if (policy.reportData() != null && !report.reportDataHex().startsWith(policy.reportData())) {
      throw fail(log, "report data", Reason.REPORT_DATA_MISMATCH, "the report's data " + report.reportDataHex().substring(0, 16)
          + "... is not H(nonce, keys) of this attestation: the report is replayed, or made for another key",
          "attest again: the report must be made for the CAS's fresh nonce");
    }
    log.add(new Check("report data", true, policy.reportData() == null ? report.reportDataHex() + " (not checked)"
        : "bound to this attestation"));
    if (policy.measurements() != null && !policy.measurements().contains(report.measurementHex())) {
      throw fail(log, "measurement", Reason.MEASUREMENT_NOT_ALLOWED, "launch measurement " + report.measurementHex()
          + " is not among the session's " + policy.measurements(), "if this guest is the one you mean, add its measurement");
    }
    log.add(new Check("measurement", true, report.measurementHex() + (policy.measurements() == null ? " (not checked)" : "")));
    if (report.debug() && !policy.tolerate().contains(SnpPolicy.DEBUG_MODE)) {
      throw fail(log, "debug", Reason.GUEST_POLICY, "the guest's policy allows debugging (bit 19): the hypervisor can read and"
          + " change its memory", "launch the guest without debugging, or tolerate 'debug-mode' (never for real secrets)");
    }
    log.add(new Check("debug", true, report.debug() ? "debug allowed (tolerated)" : "no debugging"));
    if (report.vmpl() != policy.vmpl()) {
      throw fail(log, "vmpl", Reason.GUEST_POLICY, "the report comes from VMPL " + report.vmpl() + ", not VMPL "
          + policy.vmpl() + " as the policy requires", "attest from the VMPL the policy names, or name VMPL " + report.vmpl());
    }
    log.add(new Check("vmpl", true, "VMPL " + report.vmpl()));
    boolean outdated = policy.minimumTcb() != null && !reported.atLeast(policy.minimumTcb());
    if (outdated && !policy.tolerate().contains(SnpPolicy.OUTDATED_TCB)) {
      throw fail(log, "minimum tcb", Reason.TCB, "the reported TCB (" + reported + ") is below the minimum ("
          + policy.minimumTcb() + ")", "update the host's firmware, or tolerate 'outdated-tcb'");
    }
    log.add(new Check("minimum tcb", true, policy.minimumTcb() == null ? "none required"
        : outdated ? "below " + policy.minimumTcb() + " (tolerated)" : "at least " + policy.minimumTcb()));
    return outdated;
  }

  private interface Step<T> {
    T run() throws AttestationException;
  }

  private static <T> T step(List<Check> log, String name, Step<T> step, java.util.function.Function<T, String> detail)
      throws AttestationException {
    try {
      T t = step.run();
      log.add(new Check(name, true, detail.apply(t)));
      return t;
    } catch (AttestationException e) {
      log.add(new Check(name, false, e.getMessage()));
      throw e;
    }
  }

  private static AttestationException fail(List<Check> log, String name, Reason reason, String message, String hint) {
    log.add(new Check(name, false, message));
    return new AttestationException(reason, message, hint);
  }
}
