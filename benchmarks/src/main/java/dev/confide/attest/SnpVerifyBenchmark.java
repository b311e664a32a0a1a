package dev.confide.attest;

import dev.confide.attest.snp.SnpCollateral;
import dev.confide.attest.snp.SnpPolicy;
import dev.confide.attest.snp.SnpVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
 * Verifications of a real SEV-SNP report per second on one thread, collateral (the VCEK) cached:
 * parse, find the key, the chain ARK → ASK → VCEK (three RSA-4096 PSS verifications), validity,
 * the report's ECDSA P-384 signature, TCB, policy. The vectors are read from
 * {@code -Dvectors=DIR} (default: the attest module's test resources, run from the repository root).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SnpVerifyBenchmark {
  byte[] report;
  SnpVerifier verifier;
  SnpPolicy policy;

  @Setup
  public void setUp() throws Exception {
    Path vectors = Path.of(System.getProperty("vectors", "confide-attest/src/test/resources/vectors"));
    report = Files.readAllBytes(vectors.resolve("trustee/evidence-report.bin"));
    List<X509Certificate> certs = new ArrayList<>(SnpCollateral.certificates(vectors.resolve("trustee/evidence-vcek.der")));
    verifier = new SnpVerifier(SnpCollateral.of(certs), Instant.parse("2025-06-01T00:00:00Z"));
    policy = new SnpPolicy(null, null, 0, null, Set.of());
  }

  @Benchmark
  public Object verify() throws Exception {
    return verifier.verify(report, policy, new ArrayList<>());
  }
}
