package dev.confide.attest.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.confide.attest.AttestationException;
import dev.confide.attest.Evidence;
import dev.confide.attest.snp.SnpCollateral;
import dev.confide.attest.snp.SnpPolicy;
import dev.confide.attest.snp.SnpReport;
import dev.confide.attest.snp.SnpVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Set;

/**
 * The evidence parsers and the SEV-SNP verifier under Jazzer: whatever the bytes, the only
 * exception is the verifier's own ({@link AttestationException}). Without {@code JAZZER_FUZZ=1}
 * these run as regression tests over their seed inputs; {@code .ci/run} fuzzes each for a while.
 */
class EvidenceParserFuzzTest {
  private static final SnpVerifier VERIFIER = verifier();

  private static SnpVerifier verifier() {
    try {
      Path vectors = Path.of(EvidenceParserFuzzTest.class.getResource("/vectors").toURI());
      return new SnpVerifier(SnpCollateral.load(vectors.resolve("trustee")), Instant.parse("2025-06-01T00:00:00Z"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A real report with bytes the fuzzer chooses written over it, verified in full. */
  @FuzzTest(maxDuration = "60s")
  void snpReportsAreVerifiedOrRefused(FuzzedDataProvider data) throws Exception {
    byte[] report = Files.readAllBytes(Path.of(EvidenceParserFuzzTest.class.getResource("/vectors/trustee/test-report.bin").toURI()));
    int writes = data.consumeInt(0, 16);
    for (int i = 0; i < writes; i++) {
      report[data.consumeInt(0, report.length - 1)] = data.consumeByte();
    }
    if (data.consumeBoolean()) {
      report = java.util.Arrays.copyOf(report, data.consumeInt(0, 2 * SnpReport.SIZE));
    }
    try {
      VERIFIER.verify(report, new SnpPolicy(null, null, data.consumeInt(0, 3), null, Set.of()), new ArrayList<>());
    } catch (AttestationException expected) {
      // the verifier's own refusal
    }
  }

  private static final dev.confide.attest.tdx.TdxVerifier TDX = tdxVerifier();

  private static dev.confide.attest.tdx.TdxVerifier tdxVerifier() {
    try {
      Path g = Path.of(EvidenceParserFuzzTest.class.getResource("/vectors/go-tdx-guest").toURI());
      return new dev.confide.attest.tdx.TdxVerifier(dev.confide.attest.tdx.TdxCollateral.of(java.util.List.of(
          g.resolve("sample_tcbInfo_response"), g.resolve("sample_qeIdentity_response"), g.resolve("pckcrl"), g.resolve("rootcrl.der"),
          g.resolve("tcbInfoIssuerChain.pem"))), Instant.parse("2023-07-01T01:00:00Z"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A real TDX quote (verifying, with its collateral at its time) with bytes the fuzzer chooses written over it. */
  @FuzzTest(maxDuration = "60s")
  void tdxQuotesAreVerifiedOrRefused(FuzzedDataProvider data) throws Exception {
    byte[] quote = Files.readAllBytes(Path.of(EvidenceParserFuzzTest.class.getResource("/vectors/trustee/tdx_quote_4.dat").toURI()));
    int writes = data.consumeInt(0, 16);
    for (int i = 0; i < writes; i++) {
      quote[data.consumeInt(0, quote.length - 1)] = data.consumeByte();
    }
    if (data.consumeBoolean()) {
      quote = java.util.Arrays.copyOf(quote, data.consumeInt(0, 2 * quote.length));
    }
    try {
      TDX.verify(quote, new dev.confide.attest.tdx.TdxPolicy(null, null, null, Set.of("debug-mode"), null), new ArrayList<>());
    } catch (AttestationException expected) {
      // the verifier's own refusal
    }
  }

  /** Wire forms of evidence, any text. */
  @FuzzTest(maxDuration = "60s")
  void evidenceTextIsDecodedOrRefused(FuzzedDataProvider data) {
    String platform = data.pickValue(new String[] {"sim", "snp", "tdx"});
    try {
      Evidence.decode(platform, data.consumeRemainingAsString());
    } catch (AttestationException expected) {
      // the verifier's own refusal
    }
  }
}
