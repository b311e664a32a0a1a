package dev.confide.attest.tdx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.AttestationException;
import dev.confide.attest.AttestationException.Reason;
import dev.confide.attest.Check;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The TDX verifier against the public vectors (test resources {@code vectors/}, README there):
 * every quote's signatures and PCK chain verify; with go-tdx-guest's collateral at its own time,
 * trustee's v4 quote is UpToDate (and debuggable), go-tdx-guest's SPR_E4 matches no TCB level, as
 * go-tdx-guest asserts; every byte go-tdx-guest's negative test alters is refused with the check named.
 */
class TdxVerifierTest {
  static final Instant JULY_2023 = Instant.parse("2023-07-01T01:00:00Z");
  static final Instant JUNE_2025 = Instant.parse("2025-06-01T00:00:00Z");
  static final TdxPolicy ANY = new TdxPolicy(null, null, null, Set.of("debug-mode"), null);

  static Path vector(String name) throws Exception {
    return Path.of(TdxVerifierTest.class.getResource("/vectors/" + name).toURI());
  }

  static byte[] bytes(String name) throws Exception {
    return Files.readAllBytes(vector(name));
  }

  static TdxCollateral goTdxGuest() throws Exception {
    return TdxCollateral.of(List.of(vector("go-tdx-guest/sample_tcbInfo_response"), vector("go-tdx-guest/sample_qeIdentity_response"),
        vector("go-tdx-guest/pckcrl"), vector("go-tdx-guest/rootcrl.der"), vector("go-tdx-guest/tcbInfoIssuerChain.pem")));
  }

  static AttestationException refused(byte[] quote, TdxCollateral collateral, Instant at, TdxPolicy policy, List<Check> log) {
    try {
      new TdxVerifier(collateral, at).verify(quote, policy, log);
    } catch (AttestationException e) {
      assertThat(log.getLast().passed()).isFalse();
      assertThat(log.getLast().detail()).isEqualTo(e.getMessage());
      return e;
    }
    throw new AssertionError("the quote verified");
  }

  @ParameterizedTest
  @ValueSource(strings = {"go-tdx-guest/tdx_prod_quote_SPR_E4.dat", "go-tdx-guest/cos-113-tdx-quote.dat", "trustee/tdx_quote_4.dat",
      "trustee/tdx_quote_5.dat", "trustee/tdx_quote_6.dat", "trustee/td-quote.bin"})
  void everyQuotesSignaturesAndChainVerifyThenTheMissingCollateralIsNamed(String name) throws Exception {
    List<Check> log = new ArrayList<>();
    AttestationException e = refused(bytes(name), TdxCollateral.of(List.of()), JUNE_2025, ANY, log);
    assertThat(e.reason()).isEqualTo(Reason.NO_COLLATERAL);
    assertThat(e.getMessage()).contains("the collateral holds no CRL of Intel SGX PCK Platform CA");
    assertThat(log).filteredOn(Check::passed).extracting(Check::name).contains("quote", "chain", "validity", "pck", "qe report", "signature");
  }

  @Test
  void trusteesV4QuoteIsUpToDateWithGoTdxGuestsCollateralAndDebuggable() throws Exception {
    byte[] quote = bytes("trustee/tdx_quote_4.dat");
    TdxVerifier.Verified v = new TdxVerifier(goTdxGuest(), JULY_2023).verify(quote, ANY, new ArrayList<>());
    assertThat(v.tcbStatus()).isEqualTo("UpToDate");
    assertThat(v.qeStatus()).isEqualTo("UpToDate");
    assertThat(v.pck().fmspc()).isEqualTo("50806f000000");
    assertThat(v.quote().mrTdHex()).startsWith("705ee938");
    AttestationException debug = refused(quote, goTdxGuest(), JULY_2023, new TdxPolicy(null, null, null, Set.of(), null), new ArrayList<>());
    assertThat(debug.reason()).isEqualTo(Reason.GUEST_POLICY);
    assertThat(debug.getMessage()).contains("the TD is debuggable");
    AttestationException mrtd = refused(quote, goTdxGuest(), JULY_2023, new TdxPolicy(Set.of("00".repeat(48)), null, null,
        Set.of("debug-mode"), null), new ArrayList<>());
    assertThat(mrtd.reason()).isEqualTo(Reason.MEASUREMENT_NOT_ALLOWED);
    AttestationException replayed = refused(quote, goTdxGuest(), JULY_2023, new TdxPolicy(null, null, "ab".repeat(32),
        Set.of("debug-mode"), null), new ArrayList<>());
    assertThat(replayed.reason()).isEqualTo(Reason.REPORT_DATA_MISMATCH);
    assertThat(replayed.getMessage()).contains("the quote is replayed");
  }

  @Test
  void goTdxGuestsQuoteMatchesNoTcbLevelAsGoTdxGuestSays() throws Exception {
    AttestationException e = refused(bytes("go-tdx-guest/tdx_prod_quote_SPR_E4.dat"), goTdxGuest(), JULY_2023, ANY, new ArrayList<>());
    assertThat(e.reason()).isEqualTo(Reason.TCB);
    assertThat(e.getMessage()).startsWith("no matching TCB level");
  }

  @Test
  void collateralOutsideItsValidityIsRefusedWithItsDates() throws Exception {
    AttestationException now = refused(bytes("trustee/tdx_quote_4.dat"), goTdxGuest(), Instant.parse("2026-12-03T00:00:00Z"), ANY,
        new ArrayList<>());
    assertThat(now.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(now.getMessage()).contains("is valid from").contains("not at 2026-12-03T00:00:00Z");
  }

  @Test
  void alteredCollateralIsRefusedByItsSignature() throws Exception {
    Path dir = Files.createTempDirectory("tdx-collateral");
    String info = Files.readString(vector("go-tdx-guest/sample_tcbInfo_response"));
    Files.writeString(dir.resolve("tcbinfo.json"), info.replaceFirst("\"tcbStatus\":\"OutOfDate\"", "\"tcbStatus\":\"UpToDate\""));
    for (String f : List.of("sample_qeIdentity_response", "pckcrl", "rootcrl.der", "tcbInfoIssuerChain.pem")) {
      Files.copy(vector("go-tdx-guest/" + f), dir.resolve(f));
    }
    AttestationException e = refused(bytes("trustee/tdx_quote_4.dat"), TdxCollateral.load(dir), JULY_2023, ANY, new ArrayList<>());
    assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(e.getMessage()).contains("the tcb info in tcbinfo.json is not signed by Intel's TCB signing key");
  }

  /** go-tdx-guest's TestNegativeVerification: each single-byte change of SPR_E4, and what refuses it. */
  @ParameterizedTest
  @CsvSource({
      "0x000, 3, MALFORMED, quote version 3",
      "0x278, 16, MALFORMED, certification data is",
      "0x1343, 0, MALFORMED, PCK certificate chain",
      "0x1329, 0, BAD_CHAIN, ",
      "0xF5F, 0, BAD_CHAIN, ",
      "0xB77, 0, BAD_CHAIN, ",
      "0x1E, 0, BAD_SIGNATURE, the quote's signature does not verify",
      "0x3C, 0, BAD_SIGNATURE, the quote's signature does not verify"})
  void everyByteGoTdxGuestAltersIsRefused(String at, int value, Reason reason, String part) throws Exception {
    byte[] quote = bytes("go-tdx-guest/tdx_prod_quote_SPR_E4.dat");
    int i = Integer.decode(at);
    quote[i] = (byte) (value == 0 ? quote[i] ^ 0x01 : value);
    AttestationException e = refused(quote, goTdxGuest(), JULY_2023, ANY, new ArrayList<>());
    assertThat(e.reason()).as(e.getMessage()).isIn(reason, reason == Reason.MALFORMED ? Reason.BAD_CHAIN : reason);
    if (part != null) {
      assertThat(e.getMessage()).contains(part);
    }
  }

  @Test
  void truncatedQuotesAreMalformed() throws Exception {
    byte[] quote = bytes("trustee/tdx_quote_4.dat");
    for (int length : new int[] {0, 48, 636, 700, 1500, 4000}) {
      assertThatThrownBy(() -> TdxQuote.parse(java.util.Arrays.copyOf(quote, length)))
          .isInstanceOfSatisfying(AttestationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }
  }
}
