package dev.confide.cli.attest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide attest verify} on the public SEV-SNP vectors, as an operator types it. */
class AttestVerifyCliTest {
  static final Path VECTORS = Path.of("../confide-attest/src/test/resources/vectors").toAbsolutePath().normalize();
  @TempDir Path tmp;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  @Test
  void aRealReportVerifiesAndPrintsItsChainAndChecks() throws Exception {
    CliRun run = confide("attest", "verify", VECTORS.resolve("trustee/evidence-report.bin").toString(), "--collateral",
        VECTORS.resolve("trustee").toString(), "--at", "2025-06-01", "--json");
    assertThat(run.code()).as(run.err()).isZero();
    JsonNode out = run.json();
    assertThat(out.get("verified").asBoolean()).isTrue();
    assertThat(out.get("product").asText()).isEqualTo("Genoa");
    assertThat(out.get("reported_tcb").asText()).isEqualTo("bl=10 tee=0 snp=23 ucode=25");
    assertThat(out.get("chain").get(2).get("sha256").asText())
        .isEqualTo("4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1");
    assertThat(out.get("checks").findValuesAsText("passed")).containsOnly("true");
    assertThat(out.has("failed")).isFalse();
  }

  @Test
  void theFirstCheckThatFailsIsNamedWithTheDatesAndTheExitCodeSaysWhy() throws Exception {
    // the VLEK expired on 2025-12-10: refused now, with its dates; verified at a pinned time inside them
    CliRun now = confide("attest", "verify", VECTORS.resolve("trustee/test-vlek-report.bin").toString(), "--collateral",
        VECTORS.resolve("trustee").toString(), "--vmpl", "1", "--at", "2026-12-03");
    assertThat(now.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(now.out()).startsWith("REFUSED: ").contains("FAIL validity     the VLEK (SEV-VLEK) is valid from"
        + " 2024-12-10T22:14:21Z to 2025-12-10T22:14:21Z, not at 2026-12-03T00:00:00Z");
    assertThat(now.err()).contains("pin the time with --at");
    CliRun then = confide("attest", "verify", VECTORS.resolve("trustee/test-vlek-report.bin").toString(), "--collateral",
        VECTORS.resolve("trustee").toString(), "--vmpl", "1", "--at", "2025-06-01");
    assertThat(then.code()).as(then.err()).isZero();
    assertThat(then.out()).startsWith("VERIFIED: ").containsPattern("VLEK +SEV-VLEK ").containsPattern("ASVK +SEV-VLEK-Milan");
  }

  @Test
  void aTamperedReportADebugGuestAndMissingCollateralAreRefused() throws Exception {
    Path report = tmp.resolve("report.bin");
    byte[] bytes = Files.readAllBytes(VECTORS.resolve("go-sev-guest/attestation.bin"));
    Files.write(report, bytes);
    String keys = VECTORS.resolve("go-sev-guest").toString();
    CliRun debug = confide("attest", "verify", report.toString(), "--collateral", keys, "--at", "2022-09-24T01:00:00Z", "--json");
    assertThat(debug.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(debug.json().get("failed").asText()).isEqualTo("debug");
    bytes[0x90] ^= 1; // the measurement
    Files.write(report, bytes);
    CliRun tampered = confide("attest", "verify", report.toString(), "--collateral", keys, "--at", "2022-09-24T01:00:00Z",
        "--tolerate", "debug-mode");
    assertThat(tampered.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(tampered.err()).contains("the report's signature does not verify with the VCEK: the report was altered");
    CliRun none = confide("attest", "verify", VECTORS.resolve("go-sev-guest/attestation.bin").toString(), "--at", "2022-09-24");
    assertThat(none.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(none.err()).contains("holds no VCEK for chip 3ac3fe21e13fb099").contains("https://kdsintf.amd.com/vcek/v1/PRODUCT/");
  }

  @Test
  void importedCollateralIsWhereVerifyLooksByDefault() throws Exception {
    String report = VECTORS.resolve("trustee/test-report.bin").toString();
    assertThat(confide("attest", "verify", report, "--at", "2024-01-01").code()).isEqualTo(ExitCodes.UNAVAILABLE);
    CliRun imported = confide("cas", "collateral", "import", VECTORS.resolve("trustee").toString());
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("VCEK Milan-B0 bl=3 tee=0 snp=8 ucode=115, valid until 2030-01-24T17:58:26Z (test-vcek.der)")
        .contains("VLEK Milan bl=4 tee=0 snp=24 ucode=217").contains("Intel TCB Info (FMSPC 00A06D080000) (tcbInfo.json)")
        .contains("Skipped (no collateral in them): ").contains("tdx_quote_4.dat");
    CliRun verified = confide("attest", "verify", report, "--at", "2024-01-01");
    assertThat(verified.code()).as(verified.err()).isZero();
    assertThat(verified.out()).startsWith("VERIFIED: ");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("notes.txt"), "nothing\n");
    CliRun nothing = confide("cas", "collateral", "import", empty.toString());
    assertThat(nothing.code()).isEqualTo(ExitCodes.DATA);
    assertThat(nothing.err()).contains("no collateral in").contains("skipped: notes.txt");
  }

  @Test
  void aTdxQuoteIsToldFromItsBytesAndJudgedWithIntelsCollateral() throws Exception {
    Path intel = Files.createDirectories(tmp.resolve("intel"));
    for (String f : List.of("sample_tcbInfo_response", "sample_qeIdentity_response", "pckcrl", "rootcrl.der", "tcbInfoIssuerChain.pem")) {
      Files.copy(VECTORS.resolve("go-tdx-guest/" + f), intel.resolve(f));
    }
    CliRun imported = confide("cas", "collateral", "import", intel.toString());
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("Intel TCB Info (FMSPC 50806f000000)").contains("Intel QE Identity (TD_QE)")
        .contains("Intel CRL (Intel SGX PCK Platform CA)").contains("Intel TCB signing chain");
    String quote = VECTORS.resolve("trustee/tdx_quote_4.dat").toString();
    CliRun debug = confide("attest", "verify", quote, "--at", "2023-07-01T01:00:00Z");
    assertThat(debug.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(debug.out()).startsWith("REFUSED: ").contains("(Intel TDX quote)").contains("FAIL debug").contains("ok   tcb status   platform UpToDate");
    CliRun ok = confide("attest", "verify", quote, "--at", "2023-07-01T01:00:00Z", "--tolerate", "debug-mode", "--json");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.json().get("kind").asText()).isEqualTo("tdx");
    assertThat(ok.json().get("tcb_status").asText()).isEqualTo("UpToDate");
    assertThat(ok.json().get("mrtd").asText()).startsWith("705ee938");
    CliRun spr = confide("attest", "verify", VECTORS.resolve("go-tdx-guest/tdx_prod_quote_SPR_E4.dat").toString(), "--at", "2023-07-01T01:00:00Z");
    assertThat(spr.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(spr.err()).contains("no matching TCB level");
  }

  @Test
  void badOptionsAreRefusedAsUsageErrors() {
    String report = VECTORS.resolve("go-sev-guest/attestation.bin").toString();
    assertThat(confide("attest", "verify", report, "--kind", "sgx").err()).contains("'sgx' is not an evidence kind this version verifies");
    assertThat(confide("attest", "verify", report, "--rtmr", "0=" + "a".repeat(96)).err()).contains("--rtmr and --ignore-advisory are for TDX");
    assertThat(confide("attest", "verify", report, "--at", "yesterday").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(confide("attest", "verify", report, "--min-tcb", "bl=1").err()).contains("'bl=1' is not a TCB");
    assertThat(confide("attest", "verify", report, "--tolerate", "everything").err()).contains("'everything' is not a weakness");
    assertThat(confide("attest", "verify", tmp.resolve("none.bin").toString()).code()).isEqualTo(ExitCodes.NO_INPUT);
  }
}
