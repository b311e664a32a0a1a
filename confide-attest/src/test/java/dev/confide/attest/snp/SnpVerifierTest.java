package dev.confide.attest.snp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.AttestationException;
import dev.confide.attest.AttestationException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The SEV-SNP verifier against the public vectors (test resources {@code vectors/}, README there):
 * every real report verifies with its own VEK at a time inside its chain's validity; every altered
 * byte, wrong key, wrong product, made-up VCEK, expired certificate and policy breach is refused
 * with the reason and a message that names what failed.
 */
class SnpVerifierTest {
  static final Instant JUNE_2025 = Instant.parse("2025-06-01T00:00:00Z");
  static final SnpPolicy ANY = new SnpPolicy(null, null, 0, null, Set.of(SnpPolicy.DEBUG_MODE));

  static Path vector(String name) throws Exception {
    return Path.of(SnpVerifierTest.class.getResource("/vectors/" + name).toURI());
  }

  static byte[] bytes(String name) throws Exception {
    return Files.readAllBytes(vector(name));
  }

  static SnpCollateral keys(String... files) throws Exception {
    List<X509Certificate> certs = new ArrayList<>();
    for (String f : files) {
      certs.addAll(SnpCollateral.certificates(vector(f)));
    }
    return SnpCollateral.of(certs);
  }

  static SnpVerifier.Verified verify(byte[] report, SnpCollateral keys, Instant at, SnpPolicy policy) throws Exception {
    return new SnpVerifier(keys, at).verify(report, policy, new ArrayList<>());
  }

  static void refused(byte[] report, SnpCollateral keys, Instant at, SnpPolicy policy, Reason reason, String... parts) {
    List<dev.confide.attest.Check> log = new ArrayList<>();
    assertThatThrownBy(() -> new SnpVerifier(keys, at).verify(report, policy, log))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
          for (String part : parts) {
            assertThat(e.getMessage()).contains(part);
          }
          assertThat(e.hint()).isNotBlank();
          assertThat(log.getLast().passed()).isFalse();
          assertThat(log.getLast().detail()).isEqualTo(e.getMessage());
        });
  }

  @ParameterizedTest
  @CsvSource({
      "go-sev-guest/attestation.bin, go-sev-guest/vcek.testcer, MILAN, VCEK, 2, 2022-09-24T01:00:00Z",
      "trustee/test-report.bin, trustee/test-vcek.der, MILAN, VCEK, 3, 2024-01-01T00:00:00Z",
      "trustee/evidence-report.bin, trustee/evidence-vcek.der, GENOA, VCEK, 10, 2025-06-01T00:00:00Z",
      "trustee/test-vlek-report.bin, trustee/test-vlek.der, MILAN, VLEK, 4, 2025-06-01T00:00:00Z"})
  void everyRealReportVerifiesWithItsOwnKey(String report, String key, SnpProduct product, VekCertificate.Kind kind,
      int bootloader, Instant at) throws Exception {
    byte[] bytes = bytes(report);
    SnpReport parsed = SnpReport.parse(bytes);
    SnpPolicy policy = new SnpPolicy(Set.of(parsed.measurementHex()), parsed.reportDataHex(), parsed.vmpl(), null,
        Set.of(SnpPolicy.DEBUG_MODE));
    SnpVerifier.Verified v = verify(bytes, keys(key), at, policy);
    assertThat(v.product()).isEqualTo(product);
    assertThat(v.key().kind()).isEqualTo(kind);
    assertThat(v.reportedTcb().bootloader()).isEqualTo(bootloader);
    assertThat(v.chain()).extracting(SnpVerifier.ChainEntry::role).containsExactly(kind.name(),
        kind == VekCertificate.Kind.VCEK ? "ASK" : "ASVK", "ARK");
    // the same with every key of the collateral folder at once: the report's own is found
    assertThat(verify(bytes, allKeys(), at, policy).key().certificate()).isEqualTo(v.key().certificate());
  }

  static SnpCollateral allKeys() throws Exception {
    return keys("go-sev-guest/vcek.testcer", "trustee/test-vcek.der", "trustee/evidence-vcek.der", "trustee/test-vlek.der",
        "virtee-sev/vcek_turin.der", "trustee/test-vcek-invalid-legacy.der", "trustee/test-vcek-invalid-new.der");
  }

  @Test
  void theGoSevGuestReportDecodesAsItsVectorSays() throws Exception {
    SnpReport r = SnpReport.parse(bytes("go-sev-guest/attestation.bin"));
    assertThat(r.version()).isEqualTo(2);
    assertThat(r.policy()).isEqualTo(0xb0000L);
    assertThat(r.debug()).isTrue();
    assertThat(r.measurementHex()).isEqualTo(
        "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01");
    assertThat(r.reportDataHex()).startsWith("0102030405000000");
    assertThat(SnpProduct.MILAN.tcb(r.reportedTcb())).hasToString("bl=2 tee=0 snp=5 ucode=68");
    assertThat(r.currentFirmware()).isEqualTo("1.49 build 3");
    assertThat(r.chipIdHex()).startsWith("3ac3fe21e13fb099");
  }

  @Test
  void aDebugGuestIsRefusedUnlessTolerated() throws Exception {
    refused(bytes("go-sev-guest/attestation.bin"), keys("go-sev-guest/vcek.testcer"), Instant.parse("2022-09-24T01:00:00Z"),
        new SnpPolicy(null, null, 0, null, Set.of()), Reason.GUEST_POLICY, "allows debugging (bit 19)");
  }

  @Test
  void everyAlteredByteOfTheSignedReportOrItsSignatureIsRefused() throws Exception {
    byte[] good = bytes("trustee/test-report.bin");
    SnpCollateral key = keys("trustee/test-vcek.der");
    Instant at = Instant.parse("2024-01-01T00:00:00Z");
    int refusedCount = 0;
    for (int i = 0; i < 0x2A0 + 144; i += 7) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      try {
        verify(bad, key, at, ANY);
      } catch (AttestationException e) {
        refusedCount++;
        assertThat(e.reason()).as("byte 0x%x: %s", i, e.getMessage()).isIn(Reason.BAD_SIGNATURE, Reason.MALFORMED,
            Reason.TCB, Reason.NO_COLLATERAL, Reason.GUEST_POLICY);
        continue;
      }
      throw new AssertionError("byte 0x" + Integer.toHexString(i) + " altered, and the report still verified");
    }
    assertThat(refusedCount).isGreaterThan(100);
    // trustee's own cases: byte 42 (image ID) breaks the signature, byte 0x180 (reported boot loader) the TCB
    byte[] image = good.clone();
    image[42]++;
    refused(image, key, at, ANY, Reason.BAD_SIGNATURE, "signature does not verify with the VCEK");
    byte[] tcb = good.clone();
    tcb[0x180]++;
    refused(tcb, key, at, ANY, Reason.BAD_SIGNATURE, "signature does not verify");
  }

  @Test
  void aReportWithAnotherChipsVcekOrAMadeUpOneIsRefused() throws Exception {
    Instant at = Instant.parse("2024-01-01T00:00:00Z");
    byte[] report = bytes("trustee/test-report.bin");
    refused(report, keys("go-sev-guest/vcek.testcer"), at, ANY, Reason.NO_COLLATERAL, "holds no VCEK for chip c38427a30d4c7af9");
    assertThatThrownBy(() -> verify(report, keys("go-sev-guest/vcek.testcer"), at, ANY))
        .isInstanceOfSatisfying(AttestationException.class, e -> assertThat(e.hint()).startsWith(
            "fetch it from AMD's KDS, https://kdsintf.amd.com/vcek/v1/PRODUCT/c38427a30d4c7af9")
            .contains("?blSPL=3&teeSPL=0&snpSPL=8&ucodeSPL=115 (PRODUCT: the host's Milan, Genoa or Turin; a version 2"));
    // a version 3 report names its product line: the address is complete
    assertThatThrownBy(() -> verify(bytes("trustee/evidence-report.bin"), keys("trustee/test-vcek.der"), JUNE_2025, ANY))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.getMessage()).endsWith(" of Genoa");
          assertThat(e.hint()).contains("https://kdsintf.amd.com/vcek/v1/Genoa/").contains("blSPL=10&teeSPL=0&snpSPL=23&ucodeSPL=25,");
        });
    refused(bytes("go-sev-guest/attestation.bin"), keys("trustee/test-vcek-invalid-legacy.der"),
        Instant.parse("2022-09-24T01:00:00Z"), ANY, Reason.NO_COLLATERAL, "holds no VCEK");
    // the made-up VCEKs name a chip: a report that claims that chip meets a chain AMD never signed
    byte[] claimed = report.clone();
    for (int i = 0; i < 64; i++) {
      claimed[0x1A0 + i] = (byte) i;
    }
    refused(claimed, keys("trustee/test-vcek-invalid-legacy.der"), at, ANY, Reason.BAD_CHAIN,
        "VCEK (SEV-VCEK) is not signed by the Milan ASK");
    refused(claimed, keys("trustee/test-vcek-invalid-new.der"), at, ANY, Reason.BAD_CHAIN, "is not signed by the Milan ASK");
  }

  @Test
  void aVcekWithAnAlteredByteIsRefusedByItsChain() throws Exception {
    byte[] der = bytes("trustee/test-vcek.der");
    // trustee alters byte 42, which the JDK's parser already refuses; here a byte of the public key
    // itself, so the certificate still parses and only its signature tells
    byte[] key = SnpCollateral.certificates(vector("trustee/test-vcek.der")).getFirst().getPublicKey().getEncoded();
    byte[] tail = java.util.Arrays.copyOfRange(key, key.length - 16, key.length);
    int at = indexOf(der, tail);
    assertThat(at).isPositive();
    der[at + 5] ^= 0x01;
    Path altered = Files.createTempFile("vcek", ".der");
    Files.write(altered, der);
    List<X509Certificate> certs = SnpCollateral.certificates(altered);
    Files.delete(altered);
    assertThat(certs).hasSize(1);
    refused(bytes("trustee/test-report.bin"), SnpCollateral.of(certs), Instant.parse("2024-01-01T00:00:00Z"), ANY,
        Reason.BAD_CHAIN, "VCEK (SEV-VCEK) is not signed by the Milan ASK");
  }

  private static int indexOf(byte[] in, byte[] part) {
    for (int i = 0; i + part.length <= in.length; i++) {
      if (java.util.Arrays.equals(in, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void anExpiredVlekIsRefusedWithItsDatesUnlessTheTimeIsPinnedInside() throws Exception {
    byte[] report = bytes("trustee/test-vlek-report.bin");
    SnpPolicy vmpl1 = new SnpPolicy(null, null, 1, null, Set.of());
    assertThat(verify(report, keys("trustee/test-vlek.der"), JUNE_2025, vmpl1).key().kind()).isEqualTo(VekCertificate.Kind.VLEK);
    refused(report, keys("trustee/test-vlek.der"), Instant.parse("2026-12-03T00:00:00Z"), vmpl1, Reason.EXPIRED,
        "VLEK (SEV-VLEK) is valid from 2024-12-10T22:14:21Z to 2025-12-10T22:14:21Z, not at 2026-12-03T00:00:00Z");
    // the VLEK report comes from VMPL 1: refused where the policy asks VMPL 0
    refused(report, keys("trustee/test-vlek.der"), JUNE_2025, new SnpPolicy(null, null, 0, null, Set.of()), Reason.GUEST_POLICY,
        "comes from VMPL 1, not VMPL 0");
  }

  @Test
  void reportDataMeasurementAndMinimumTcbAreThePolicys() throws Exception {
    byte[] report = bytes("trustee/evidence-report.bin");
    SnpCollateral key = keys("trustee/evidence-vcek.der");
    SnpReport r = SnpReport.parse(report);
    refused(report, key, JUNE_2025, new SnpPolicy(null, "00".repeat(64), 0, null, Set.of()), Reason.REPORT_DATA_MISMATCH,
        "is not H(nonce, keys) of this attestation: the report is replayed");
    refused(report, key, JUNE_2025, new SnpPolicy(Set.of("ab".repeat(48)), null, 0, null, Set.of()),
        Reason.MEASUREMENT_NOT_ALLOWED, "launch measurement " + r.measurementHex() + " is not among");
    SnpTcb high = new SnpTcb(-1, 10, 0, 24, 25, 0);
    refused(report, key, JUNE_2025, new SnpPolicy(null, null, 0, high, Set.of()), Reason.TCB,
        "the reported TCB (bl=10 tee=0 snp=23 ucode=25) is below the minimum (bl=10 tee=0 snp=24 ucode=25)");
    assertThat(verify(report, key, JUNE_2025, new SnpPolicy(null, null, 0, high, Set.of(SnpPolicy.OUTDATED_TCB))).tcbOutdated())
        .isTrue();
    assertThat(verify(report, key, JUNE_2025, new SnpPolicy(null, null, 0, new SnpTcb(-1, 10, 0, 23, 25, 0), Set.of()))
        .tcbOutdated()).isFalse();
  }

  @Test
  void theTurinVcekChainsToTurinAndNoOtherRoot() throws Exception {
    VekCertificate turin = VekCertificate.of(SnpCollateral.certificates(vector("virtee-sev/vcek_turin.der")).getFirst()).orElseThrow();
    assertThat(turin.product()).contains(SnpProduct.TURIN);
    assertThat(turin.hwIdHex()).isEqualTo("1e550a8ee5cf9f4d");
    turin.certificate().verify(SnpProduct.TURIN.authorities().ask().getPublicKey());
    assertThatThrownBy(() -> turin.certificate().verify(SnpProduct.MILAN.authorities().ask().getPublicKey()))
        .isInstanceOf(java.security.SignatureException.class);
    byte[] chip = new byte[64];
    System.arraycopy(java.util.HexFormat.of().parseHex("1e550a8ee5cf9f4d"), 0, chip, 0, 8);
    assertThat(turin.isChip(chip)).isTrue();
    chip[9] = 1;
    assertThat(turin.isChip(chip)).isFalse();
  }

  @Test
  void malformedReportsAreRefusedAsSuch() throws Exception {
    byte[] good = bytes("trustee/test-report.bin");
    Instant at = Instant.parse("2024-01-01T00:00:00Z");
    SnpCollateral key = keys("trustee/test-vcek.der");
    refused(java.util.Arrays.copyOf(good, 1000), key, at, ANY, Reason.MALFORMED, "is 1184 bytes, this one 1000");
    byte[] v9 = good.clone();
    v9[0] = 9;
    refused(v9, key, at, ANY, Reason.MALFORMED, "report version 9");
    byte[] alg = good.clone();
    alg[0x34] = 2;
    refused(alg, key, at, ANY, Reason.MALFORMED, "signature algorithm is 2");
    byte[] unsigned = good.clone();
    unsigned[0x48] = (byte) (7 << 2);
    refused(unsigned, key, at, ANY, Reason.BAD_SIGNATURE, "is not signed");
  }
}
