package dev.confide.attest;

import dev.confide.attest.tdx.TdxCollateral;
import dev.confide.attest.tdx.TdxPolicy;
import dev.confide.attest.tdx.TdxVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifications of a real TDX quote per second on one thread, collateral cached: Trustee's v4
 * quote with go-tdx-guest's TCB Info, QE Identity, CRLs and TCB signing chain at 2023-07-01 (the
 * quote is UpToDate; its debug bit tolerated). Vectors from {@code -Dvectors=DIR} as in
 * {@link SnpVerifyBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TdxVerifyBenchmark {
  byte[] quote;
  TdxVerifier verifier;
  TdxPolicy policy;

  @Setup
  public void setUp() throws Exception {
    Path vectors = Path.of(System.getProperty("vectors", "confide-attest/src/test/resources/vectors"));
    quote = Files.readAllBytes(vectors.resolve("trustee/tdx_quote_4.dat"));
    Path g = vectors.resolve("go-tdx-guest");
    verifier = new TdxVerifier(TdxCollateral.of(List.of(g.resolve("sample_tcbInfo_response"), g.resolve("sample_qeIdentity_response"),
        g.resolve("pckcrl"), g.resolve("rootcrl.der"), g.resolve("tcbInfoIssuerChain.pem"))), Instant.parse("2023-07-01T01:00:00Z"));
    policy = new TdxPolicy(null, null, null, Set.of("debug-mode"), null);
  }

  @Benchmark
  public Object verify() throws Exception {
    return verifier.verify(quote, policy, new ArrayList<>());
  }
}
