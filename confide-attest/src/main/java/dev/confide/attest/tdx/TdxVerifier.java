package dev.confide.attest.tdx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.attest.AttestationException;
import dev.confide.attest.AttestationException.Reason;
import dev.confide.attest.Check;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies an Intel TDX quote as go-tdx-guest and Trustee do, naming the check that fails: the
 * quote's form; the PCK chain it carries (leaf ← PCK platform/processor CA ← Intel SGX Root CA,
 * pinned), each valid at the verification time and none revoked by the collateral's CRLs; the QE
 * report's signature by the PCK key; the QE report data binding the attestation key
 * (SHA-256(key ‖ QE authentication data), then zeros); the quote's signature by that key; the TCB
 * status from the TCB Info and QE Identity collateral (signed by Intel's TCB signing key, valid at
 * the time); then the policy: report data, MRTD, RTMRs, debug.
 */
public final class TdxVerifier {
  private static final String ROOT_SHA256 = "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";
  private static final X509Certificate ROOT = root();

  private final TdxCollateral collateral;
  private final Instant at;
  /**
   * What this verifier already checked once and cannot change: the collateral documents whose
   * signatures held (the collateral is fixed for its life), and the PCK chains (by their PEM's
   * SHA-256) whose signatures held. Validity, revocation and everything of the quote are checked
   * each time.
   */
  private final java.util.Set<Object> signaturesHeld = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public TdxVerifier(TdxCollateral collateral, Instant at) {
    this.collateral = collateral;
    this.at = at;
  }

  /** What a verified quote establishes. */
  public record Verified(TdxQuote quote, PckCertificate pck, String tcbStatus, String qeStatus, List<String> advisories,
      List<X509Certificate> chain) {}

  private static X509Certificate root() {
    try (InputStream in = TdxVerifier.class.getResourceAsStream("intel-sgx-root-ca.pem")) {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
      if (!fingerprint.equals(ROOT_SHA256)) {
        throw new IllegalStateException("the pinned Intel SGX Root CA of this build is not Intel's (sha256 " + fingerprint + ")");
      }
      return c;
    } catch (IOException | GeneralSecurityException | NullPointerException e) {
      throw new IllegalStateException("cannot load the pinned Intel SGX Root CA", e);
    }
  }

  public Verified verify(byte[] bytes, TdxPolicy policy, List<Check> log) throws AttestationException {
    TdxQuote quote;
    try {
      quote = TdxQuote.parse(bytes);
    } catch (AttestationException e) {
      log.add(new Check("quote", false, e.getMessage()));
      throw e;
    }
    log.add(new Check("quote", true, "version " + quote.version() + ", TD attributes 0x" + Long.toHexString(quote.tdAttributes())
        + (quote.debug() ? " (debug)" : "")));
    List<X509Certificate> chain = pckChain(quote, log);
    PckCertificate pck = PckCertificate.of(chain.getFirst()).orElseThrow(() -> fail(log, "pck", Reason.MALFORMED,
        "the PCK certificate has no readable Intel SGX extension (FMSPC, PCE ID, TCB)", "give the quote as the quote service wrote it"));
    log.add(new Check("pck", true, "FMSPC " + pck.fmspc() + ", PCE ID " + pck.pceId() + ", PCESVN " + pck.pceSvn() + ", "
        + pck.caType() + " CA"));
    if (!ecdsaP256(chain.getFirst().getPublicKey(), quote.qeReport(), quote.qeReportSignature())) {
      throw fail(log, "qe report", Reason.BAD_SIGNATURE, "the QE report's signature does not verify with the PCK key",
          "the quote was altered, or its QE report is not this platform's");
    }
    byte[] binding = sha256(concat(quote.attestationKey(), quote.qeAuthData()));
    byte[] expected = concat(binding, new byte[32]);
    if (!Arrays.equals(expected, quote.qeReportData())) {
      throw fail(log, "qe report", Reason.BAD_SIGNATURE, "the QE report does not vouch for the quote's attestation key"
          + " (its report data is not SHA-256(key, QE authentication data))", "the quote was altered");
    }
    log.add(new Check("qe report", true, "signed by the PCK key; vouches for the attestation key"));
    if (!ecdsaP256(rawP256(quote.attestationKey()), quote.signed(), quote.signature())) {
      throw fail(log, "signature", Reason.BAD_SIGNATURE, "the quote's signature does not verify with its attestation key:"
          + " the quote was altered", "give the quote as the quote service wrote it");
    }
    log.add(new Check("signature", true, "ECDSA P-256 over the header and body verifies with the attestation key"));
    revocation(chain, log);
    List<String> advisories = new ArrayList<>();
    String tcbStatus = tcb(quote, pck, log, advisories);
    String qeStatus = qeIdentity(quote, log);
    judge(tcbStatus, qeStatus, advisories, policy, log);
    policy(quote, policy, log);
    return new Verified(quote, pck, tcbStatus, qeStatus, advisories, chain);
  }

  private List<X509Certificate> pckChain(TdxQuote quote, List<Check> log) throws AttestationException {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(
          quote.pckChainPem().getBytes(StandardCharsets.US_ASCII))).forEach(c -> chain.add((X509Certificate) c));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw fail(log, "chain", Reason.MALFORMED, "the quote's PCK certificate chain cannot be read: " + e.getMessage(),
          "give the quote as the quote service wrote it");
    }
    if (chain.size() != 3) {
      throw fail(log, "chain", Reason.BAD_CHAIN, "the quote's PCK chain has " + chain.size() + " certificates, not 3 (PCK, CA, root)",
          "give the quote as the quote service wrote it");
    }
    if (!Arrays.equals(encoded(chain.get(2)), encoded(ROOT))) {
      throw fail(log, "chain", Reason.BAD_CHAIN, "the quote's chain ends at " + cn(chain.get(2)) + ", not at the pinned Intel SGX Root CA",
          "a quote from Intel hardware chains to Intel's root");
    }
    String chainId = HexFormat.of().formatHex(sha256(quote.pckChainPem().getBytes(StandardCharsets.US_ASCII)));
    if (signaturesHeld.contains(chainId)) {
      log.add(new Check("chain", true, "PCK CA (" + cn(chain.get(1)) + ") signed by the Intel SGX Root CA; PCK signed by it (checked before)"));
    } else {
      signedBy(log, "PCK CA", chain.get(1), ROOT, "the Intel SGX Root CA");
      signedBy(log, "PCK", chain.get(0), chain.get(1), cn(chain.get(1)));
      signaturesHeld.add(chainId);
    }
    for (X509Certificate c : chain) {
      try {
        c.checkValidity(Date.from(at));
      } catch (GeneralSecurityException e) {
        throw fail(log, "validity", Reason.EXPIRED, cn(c) + " is valid from " + c.getNotBefore().toInstant() + " to "
            + c.getNotAfter().toInstant() + ", not at " + at, "to check old evidence, pin the time with --at");
      }
    }
    log.add(new Check("validity", true, "every certificate of the PCK chain is valid at " + at));
    return chain;
  }

  private void revocation(List<X509Certificate> chain, List<Check> log) throws AttestationException {
    X509Certificate leaf = chain.get(0);
    X509Certificate ca = chain.get(1);
    X509CRL pckCrl = crlOf(ca, log);
    X509CRL rootCrl = crlOf(ROOT, log);
    if (pckCrl.isRevoked(leaf)) {
      throw fail(log, "revocation", Reason.BAD_CHAIN, "the PCK certificate (serial " + leaf.getSerialNumber().toString(16)
          + ") is revoked by " + cn(ca) + "'s CRL", "this platform's key is no longer trusted by Intel");
    }
    if (rootCrl.isRevoked(ca)) {
      throw fail(log, "revocation", Reason.BAD_CHAIN, cn(ca) + " is revoked by the Intel SGX Root CA's CRL",
          "this CA is no longer trusted by Intel");
    }
    log.add(new Check("revocation", true, "neither the PCK certificate nor its CA is revoked (CRLs of " + pckCrl.getThisUpdate()
        .toInstant() + " and " + rootCrl.getThisUpdate().toInstant() + ")"));
  }

  private X509CRL crlOf(X509Certificate issuer, List<Check> log) throws AttestationException {
    for (X509CRL crl : collateral.crls()) {
      if (crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
        try {
          crl.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException e) {
          throw fail(log, "revocation", Reason.BAD_CHAIN, "the CRL of " + cn(issuer) + " is not signed by it", "fetch it again from Intel's PCS");
        }
        Instant from = crl.getThisUpdate().toInstant();
        Instant to = crl.getNextUpdate() == null ? Instant.MAX : crl.getNextUpdate().toInstant();
        if (at.isBefore(from) || at.isAfter(to)) {
          throw fail(log, "revocation", Reason.EXPIRED, "the CRL of " + cn(issuer) + " is valid from " + from + " to " + to
              + ", not at " + at, "fetch a current one from Intel's PCS, or pin the time with --at");
        }
        return crl;
      }
    }
    throw fail(log, "revocation", Reason.NO_COLLATERAL, "the collateral holds no CRL of " + cn(issuer),
        "fetch it from Intel's PCS (pckcrl?ca=platform|processor, or the root CA's CRL) and import it with 'confide cas collateral import DIR'");
  }

  /** Intel's TDX TCB evaluation: the first level the PCK's SGX SVNs and the TD's TEE_TCB_SVN both meet. */
  private String tcb(TdxQuote quote, PckCertificate pck, List<Check> log, List<String> advisories) throws AttestationException {
    TdxCollateral.Signed info = null;
    for (TdxCollateral.Signed s : collateral.tcbInfos()) {
      if (s.value().path("fmspc").asText().equalsIgnoreCase(pck.fmspc()) && s.value().path("id").asText().equals("TDX")) {
        info = s;
      }
    }
    if (info == null) {
      throw fail(log, "tcb info", Reason.NO_COLLATERAL, "the collateral holds no TDX TCB Info for FMSPC " + pck.fmspc(),
          "fetch it from Intel's PCS (tdx/certification/v4/tcb?fmspc=" + pck.fmspc() + ") and import it");
    }
    signedDocument(info, "tcb info", log);
    if (!info.value().path("pceId").asText().equalsIgnoreCase(pck.pceId())) {
      throw fail(log, "tcb info", Reason.TCB, "the TCB Info is for PCE ID " + info.value().path("pceId").asText() + ", the PCK's is "
          + pck.pceId(), "fetch the TCB Info of this platform");
    }
    byte[] tee = quote.teeTcbSvn();
    for (JsonNode level : info.value().path("tcbLevels")) {
      JsonNode tcb = level.path("tcb");
      if (!meets(pck.componentSvn(), tcb.path("sgxtcbcomponents"), 0) || pck.pceSvn() < tcb.path("pcesvn").asInt()) {
        continue;
      }
      // with a TDX module major version in byte 1, bytes 0 and 1 are judged by the module's own identity
      if (!meets(unsigned(tee), tcb.path("tdxtcbcomponents"), (tee[1] & 0xFF) > 0 ? 2 : 0)) {
        continue;
      }
      String status = level.path("tcbStatus").asText();
      level.path("advisoryIDs").forEach(a -> advisories.add(a.asText()));
      String module = moduleStatus(info.value(), quote, log);
      if (module != null && !module.equals("UpToDate")) {
        status = module;
      }
      log.add(new Check("tcb", true, "platform " + status + " (level of " + level.path("tcbDate").asText() + ")"
          + (advisories.isEmpty() ? "" : ", advisories " + advisories)));
      return status;
    }
    throw fail(log, "tcb", Reason.TCB, "no matching TCB level: the platform's SVNs (PCK " + Arrays.toString(pck.componentSvn())
        + ", PCESVN " + pck.pceSvn() + ", TEE_TCB_SVN " + HexFormat.of().formatHex(tee) + ") are below every level of the TCB Info",
        "update the platform's firmware and TDX module");
  }

  private String moduleStatus(JsonNode info, TdxQuote quote, List<Check> log) throws AttestationException {
    JsonNode module = info.path("tdxModule");
    if (!module.isMissingNode()) {
      // the TDX module that signed the TD's measurements: its signer, and its attributes under the mask
      if (!module.path("mrsigner").asText().equalsIgnoreCase(HexFormat.of().formatHex(quote.mrSignerSeam()))) {
        throw fail(log, "tcb", Reason.TCB, "the TDX module's signer (MRSIGNERSEAM " + HexFormat.of().formatHex(quote.mrSignerSeam())
            + ") is not the one the TCB Info names", "the quote was not made under Intel's TDX module");
      }
      long mask = Long.parseUnsignedLong(module.path("attributesMask").asText("0"), 16);
      long want = Long.parseUnsignedLong(module.path("attributes").asText("0"), 16);
      if ((Long.reverseBytes(quote.seamAttributes()) & mask) != (want & mask)) {
        throw fail(log, "tcb", Reason.TCB, "the TDX module's attributes are not the ones the TCB Info names",
            "the quote was not made under Intel's TDX module");
      }
    }
    int major = quote.teeTcbSvn()[1] & 0xFF;
    if (major == 0) {
      return null;
    }
    String id = String.format(Locale.ROOT, "TDX_%02X", major);
    for (JsonNode identity : info.path("tdxModuleIdentities")) {
      if (!identity.path("id").asText().equalsIgnoreCase(id)) {
        continue;
      }
      if (!identity.path("mrsigner").asText().equalsIgnoreCase(HexFormat.of().formatHex(quote.mrSignerSeam()))) {
        throw fail(log, "tcb", Reason.TCB, "the TDX module's signer (MRSIGNERSEAM) is not " + id + "'s", "the quote was altered");
      }
      int svn = quote.teeTcbSvn()[0] & 0xFF;
      for (JsonNode level : identity.path("tcbLevels")) {
        if (svn >= level.path("tcb").path("isvsvn").asInt()) {
          return level.path("tcbStatus").asText();
        }
      }
      throw fail(log, "tcb", Reason.TCB, "the TDX module " + id + " at SVN " + svn + " matches no level of its identity",
          "update the TDX module");
    }
    return null;
  }

  private String qeIdentity(TdxQuote quote, List<Check> log) throws AttestationException {
    TdxCollateral.Signed identity = collateral.qeIdentities().stream().filter(s -> s.value().path("id").asText().equals("TD_QE"))
        .findFirst().orElseThrow(() -> fail(log, "qe identity", Reason.NO_COLLATERAL, "the collateral holds no TD_QE identity",
            "fetch it from Intel's PCS (tdx/certification/v4/qe/identity) and import it"));
    signedDocument(identity, "qe identity", log);
    JsonNode v = identity.value();
    byte[] mask = HexFormat.of().parseHex(v.path("attributesMask").asText().toLowerCase(Locale.ROOT));
    byte[] want = HexFormat.of().parseHex(v.path("attributes").asText().toLowerCase(Locale.ROOT));
    byte[] have = quote.qeAttributes();
    long miscMask = Long.parseLong(v.path("miscselectMask").asText(), 16);
    long misc = Long.parseLong(v.path("miscselect").asText(), 16);
    boolean attributes = mask.length == 16 && want.length == 16;
    for (int i = 0; attributes && i < 16; i++) {
      attributes = (have[i] & mask[i]) == (want[i] & mask[i]);
    }
    if (!v.path("mrsigner").asText().equalsIgnoreCase(HexFormat.of().formatHex(quote.qeMrSigner()))
        || v.path("isvprodid").asInt() != quote.qeIsvProdId() || (quote.qeMiscSelect() & miscMask) != (misc & miscMask) || !attributes) {
      throw fail(log, "qe identity", Reason.TCB, "the quoting enclave is not Intel's TD_QE (its signer, product, MISCSELECT or"
          + " attributes differ from the QE Identity's)", "the quote was not made by Intel's quoting enclave");
    }
    for (JsonNode level : v.path("tcbLevels")) {
      if (quote.qeIsvSvn() >= level.path("tcb").path("isvsvn").asInt()) {
        String status = level.path("tcbStatus").asText();
        log.add(new Check("qe identity", true, "TD_QE at ISVSVN " + quote.qeIsvSvn() + ": " + status));
        return status;
      }
    }
    throw fail(log, "qe identity", Reason.TCB, "the quoting enclave's ISVSVN " + quote.qeIsvSvn() + " matches no level of its identity",
        "update the platform's quoting enclave");
  }

  private void judge(String tcb, String qe, List<String> advisories, TdxPolicy policy, List<Check> log) throws AttestationException {
    for (String status : List.of(tcb, qe)) {
      Set<String> needs = switch (status) {
        case "UpToDate" -> Set.of();
        case "SWHardeningNeeded" -> Set.of(TdxPolicy.SOFTWARE_HARDENING_NEEDED);
        case "ConfigurationNeeded" -> Set.of(TdxPolicy.INSECURE_CONFIGURATION);
        case "ConfigurationAndSWHardeningNeeded" -> Set.of(TdxPolicy.INSECURE_CONFIGURATION, TdxPolicy.SOFTWARE_HARDENING_NEEDED);
        case "OutOfDate" -> Set.of(TdxPolicy.OUTDATED_TCB);
        case "OutOfDateConfigurationNeeded" -> Set.of(TdxPolicy.OUTDATED_TCB, TdxPolicy.INSECURE_CONFIGURATION);
        default -> null; // Revoked, or a status this version does not know
      };
      if (needs == null) {
        throw fail(log, "tcb status", Reason.TCB, "the TCB status is " + status + ": never accepted", "this platform is not to be trusted");
      }
      if (!policy.tolerate().containsAll(needs)) {
        throw fail(log, "tcb status", Reason.TCB, "the TCB status is " + status + (advisories.isEmpty() ? "" : " (advisories "
            + String.join(", ", advisories) + ")"), "update the platform, or tolerate " + String.join(" and ", needs.stream().sorted().toList()));
      }
    }
    List<String> open = advisories.stream().filter(a -> !policy.ignoreAdvisories().contains("*") && !policy.ignoreAdvisories().contains(a))
        .toList();
    if (!open.isEmpty() && !tcb.equals("UpToDate")) {
      throw fail(log, "tcb status", Reason.TCB, "the platform is affected by advisories " + String.join(", ", open),
          "update the platform, or list them in security.attestation.ignore_advisories");
    }
    log.add(new Check("tcb status", true, "platform " + tcb + ", quoting enclave " + qe));
  }

  private void policy(TdxQuote quote, TdxPolicy policy, List<Check> log) throws AttestationException {
    if (policy.reportData() != null && !quote.reportDataHex().startsWith(policy.reportData())) {
      throw fail(log, "report data", Reason.REPORT_DATA_MISMATCH, "the quote's report data " + quote.reportDataHex().substring(0, 16)
          + "... is not H(nonce, keys) of this attestation: the quote is replayed, or made for another key",
          "attest again: the quote must be made for the CAS's fresh nonce");
    }
    log.add(new Check("report data", true, policy.reportData() == null ? quote.reportDataHex() + " (not checked)" : "bound to this attestation"));
    if (policy.mrTd() != null && !policy.mrTd().contains(quote.mrTdHex())) {
      throw fail(log, "mrtd", Reason.MEASUREMENT_NOT_ALLOWED, "MRTD " + quote.mrTdHex() + " is not among the session's " + policy.mrTd(),
          "if this TD is the one you mean, add its MRTD");
    }
    for (var e : policy.rtmr().entrySet()) {
      if (!quote.rtmrHex(e.getKey()).equals(e.getValue())) {
        throw fail(log, "rtmr", Reason.MEASUREMENT_NOT_ALLOWED, "RTMR" + e.getKey() + " is " + quote.rtmrHex(e.getKey()) + ", not "
            + e.getValue(), "if this TD's runtime measurements are the ones you mean, name them");
      }
    }
    log.add(new Check("measurement", true, "MRTD " + quote.mrTdHex() + (policy.mrTd() == null ? " (not checked)" : "")));
    if (quote.debug() && !policy.tolerate().contains(TdxPolicy.DEBUG_MODE)) {
      throw fail(log, "debug", Reason.GUEST_POLICY, "the TD is debuggable (TD attributes bit 0): its host can read and change it",
          "launch the TD without debugging, or tolerate 'debug-mode' (never for real secrets)");
    }
    log.add(new Check("debug", true, quote.debug() ? "debuggable (tolerated)" : "not debuggable"));
  }

  private void signedDocument(TdxCollateral.Signed doc, String name, List<Check> log) throws AttestationException {
    X509Certificate signer = collateral.certificates().stream().filter(c -> cn(c).equals("Intel SGX TCB Signing")).findFirst()
        .orElseThrow(() -> fail(log, name, Reason.NO_COLLATERAL, "the collateral holds no Intel SGX TCB Signing certificate",
            "import the TCB-Info-Issuer-Chain PCS sends with the TCB Info"));
    signedBy(log, "TCB signing", signer, ROOT, "the Intel SGX Root CA");
    try {
      signer.checkValidity(Date.from(at));
    } catch (GeneralSecurityException e) {
      throw fail(log, name, Reason.EXPIRED, "the Intel SGX TCB Signing certificate is valid from " + signer.getNotBefore().toInstant()
          + " to " + signer.getNotAfter().toInstant() + ", not at " + at, "import its renewal, or pin the time with --at");
    }
    byte[] sig;
    try {
      sig = HexFormat.of().parseHex(doc.signature());
    } catch (IllegalArgumentException e) {
      sig = new byte[0];
    }
    if (!signaturesHeld.contains(doc) && (sig.length != 64 || !ecdsaP256(signer.getPublicKey(), doc.body(), sig))) {
      throw fail(log, name, Reason.BAD_SIGNATURE, "the " + name + " in " + doc.file() + " is not signed by Intel's TCB signing key:"
          + " it was altered", "fetch it again from Intel's PCS");
    }
    signaturesHeld.add(doc);
    Instant issued = Instant.parse(doc.value().path("issueDate").asText("1970-01-01T00:00:00Z"));
    Instant next = Instant.parse(doc.value().path("nextUpdate").asText("1970-01-01T00:00:00Z"));
    if (at.isBefore(issued) || at.isAfter(next)) {
      throw fail(log, name, Reason.EXPIRED, "the " + name + " in " + doc.file() + " is valid from " + issued + " to " + next + ", not at "
          + at, "fetch a current one from Intel's PCS, or pin the time with --at");
    }
    log.add(new Check(name, true, doc.file() + ", signed by Intel, valid " + issued + " to " + next));
  }

  private static boolean meets(int[] have, JsonNode components, int from) {
    for (int i = from; i < 16; i++) {
      if (have[i] < components.path(i).path("svn").asInt()) {
        return false;
      }
    }
    return true;
  }

  private static int[] unsigned(byte[] b) {
    int[] out = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = b[i] & 0xFF;
    }
    return out;
  }

  private static void signedBy(List<Check> log, String role, X509Certificate c, X509Certificate by, String byName) throws AttestationException {
    try {
      c.verify(by.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw fail(log, "chain", Reason.BAD_CHAIN, "the " + role + " certificate (" + cn(c) + ") is not signed by " + byName,
          "the quote or collateral was altered, or is not Intel's");
    }
    log.add(new Check("chain", true, role + " (" + cn(c) + ") signed by " + byName));
  }

  /**
   * ECDSA P-256 with SHA-256 through BouncyCastle's curve arithmetic (several times the JDK's
   * speed here: docs/benchmarks.md); a key that is not on P-256 does not verify.
   */
  static boolean ecdsaP256(PublicKey key, byte[] data, byte[] rawSignature) {
    if (!(key instanceof java.security.interfaces.ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
        || rawSignature.length != 64) {
      return false;
    }
    try {
      org.bouncycastle.math.ec.ECPoint q = P256.getCurve().createPoint(ec.getW().getAffineX(), ec.getW().getAffineY());
      org.bouncycastle.crypto.signers.ECDSASigner verifier = new org.bouncycastle.crypto.signers.ECDSASigner();
      verifier.init(false, new org.bouncycastle.crypto.params.ECPublicKeyParameters(q, P256));
      return verifier.verifySignature(MessageDigest.getInstance("SHA-256").digest(data),
          new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, 32)), new BigInteger(1, Arrays.copyOfRange(rawSignature, 32, 64)));
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static final org.bouncycastle.crypto.params.ECDomainParameters P256 = p256();

  private static org.bouncycastle.crypto.params.ECDomainParameters p256() {
    org.bouncycastle.asn1.x9.X9ECParameters p = org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1");
    return new org.bouncycastle.crypto.params.ECDomainParameters(p.getCurve(), p.getG(), p.getN(), p.getH());
  }

  static PublicKey rawP256(byte[] xy) {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec("secp256r1"));
      ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
      ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(xy, 0, 32)), new BigInteger(1, Arrays.copyOfRange(xy, 32, 64)));
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      return new byte[0];
    }
  }

  static String cn(X509Certificate c) {
    return c.getSubjectX500Principal().getName().replaceAll(".*CN=([^,]*).*", "$1");
  }

  private static AttestationException fail(List<Check> log, String name, Reason reason, String message, String hint) {
    log.add(new Check(name, false, message));
    return new AttestationException(reason, message, hint);
  }
}
