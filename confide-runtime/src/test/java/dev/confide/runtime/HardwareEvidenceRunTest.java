package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.TsmEvidenceProvider;
import dev.confide.cas.common.CasException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The honest end-to-end check of SEV-SNP attestation on a machine without the hardware: a runtime
 * whose configfs-tsm (a folder standing for the kernel's) answers with a real Genoa report and its
 * VCEK. Everything about the report verifies (AMD's chain, the signature, the TCB, the launch
 * measurement the session names), but its report data was made for another nonce long ago: the
 * CAS refuses it as replayed, and releases nothing. A TDX guest's quote travels the same way and
 * is refused for the collateral the CAS lacks, after its signatures and PCK chain held.
 */
class HardwareEvidenceRunTest {
  static final Path VECTORS = Path.of("../confide-attest/src/test/resources/vectors").toAbsolutePath().normalize();
  static final String LAUNCH = "6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e";
  @TempDir Path tmp;
  RunFixture host;

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private Path fakeTsm() throws Exception {
    Path entry = Files.createDirectories(tmp.resolve("tsm/entry"));
    Files.writeString(entry.resolve("provider"), "sev_guest\n");
    Files.writeString(entry.resolve("generation"), "7\n");
    Files.write(entry.resolve("outblob"), Files.readAllBytes(VECTORS.resolve("trustee/evidence-report.bin")));
    byte[] vcek = Files.readAllBytes(VECTORS.resolve("trustee/evidence-vcek.der"));
    ByteBuffer table = ByteBuffer.allocate(48 + vcek.length).order(ByteOrder.LITTLE_ENDIAN);
    table.put(java.util.HexFormat.of().parseHex("8d75da6364e66445adc5f4b93be8accd")).putInt(48).putInt(vcek.length);
    table.put(new byte[24]).put(vcek);
    Files.write(entry.resolve("auxblob"), table.array());
    return tmp.resolve("tsm");
  }

  @Test
  void aReplayedReportIsRefusedThoughEverythingElseAboutItVerifies() throws Exception {
    host = new RunFixture(tmp);
    String measurement = host.python("/usr/bin:/bin");
    host.cas.user.createSession("""
        name: snp-run
        services:
          - name: app
            image_name: img
            command: python3 -c "print('secret released')"
            attestation:
              - mrenclave: [%s]
                snp: {measurement: [%s], min_tcb: "bl=10,tee=0,snp=23,ucode=25"}
        volumes: [{name: work}]
        images: [{name: img, volumes: [{name: work, path: /work}]}]
        """.formatted(measurement, LAUNCH));
    TsmEvidenceProvider snp = TsmEvidenceProvider.open(fakeTsm(), "entry");
    StringWriter notes = new StringWriter();
    ConfidentialRun run = new ConfidentialRun(host.cas.runtime, host.measurer, snp, Bubblewrap.find(), new PrintWriter(notes, true),
        ShutdownHooks.JVM);
    assertThatThrownBy(() -> run.run(RunFixture.request("snp-run", "app", Map.of("work", tmp.resolve("work"))), new PhaseClock()))
        .isInstanceOfSatisfying(CasException.class, e -> {
          assertThat(e.error()).isEqualTo("attestation_report_data_mismatch");
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.getMessage()).contains("is not H(nonce, keys) of this attestation: the report is replayed");
        });
    // the runtime asked for this attestation's report data: H(the CAS's fresh nonce, its keys), then what it claims to
    // run (at the plan step, refused here, the runtime alone)
    byte[] asked = Files.readAllBytes(tmp.resolve("tsm/entry/inblob"));
    assertThat(asked).hasSize(64);
    assertThat(java.util.HexFormat.of().formatHex(asked, 32, 64)).isEqualTo(host.measurer.runtimeDigest());
    assertThat(java.util.HexFormat.of().formatHex(asked, 0, 32)).isNotEqualTo("00".repeat(32));
    assertThat(notes.toString()).doesNotContain("secret released");
    assertThat(tmp.resolve("work")).doesNotExist();
  }

  @Test
  void aSessionWithoutAnSnpAlternativeRefusesSnpEvidenceAndSimulatedEvidenceMeetsNoSnpAlternative() throws Exception {
    host = new RunFixture(tmp);
    String m = host.python("/usr/bin:/bin");
    host.cas.user.createSession("""
        name: sim-only
        services:
          - {name: app, image_name: img, command: python3 -c "print(1)", attestation: [{mrenclave: [%s]}]}
        volumes: [{name: work}]
        images: [{name: img, volumes: [{name: work, path: /work}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(m));
    ConfidentialRun hardware = new ConfidentialRun(host.cas.runtime, host.measurer, TsmEvidenceProvider.open(fakeTsm(), "entry"),
        Bubblewrap.find(), new PrintWriter(new StringWriter(), true), ShutdownHooks.JVM);
    assertThatThrownBy(() -> hardware.run(RunFixture.request("sim-only", "app", Map.of("work", tmp.resolve("w1"))), new PhaseClock()))
        .isInstanceOfSatisfying(CasException.class, e -> assertThat(e.getMessage()).contains("accepts no AMD SEV-SNP evidence"));
    host.cas.user.createSession("""
        name: snp-only
        services:
          - {name: app, image_name: img, command: python3 -c "print(1)", attestation: [{mrenclave: [%s], snp: {measurement: [%s]}}]}
        volumes: [{name: work}]
        images: [{name: img, volumes: [{name: work, path: /work}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(m, LAUNCH));
    assertThatThrownBy(() -> host.run(RunFixture.request("snp-only", "app", Map.of("work", tmp.resolve("w2")))))
        .isInstanceOfSatisfying(CasException.class, e -> assertThat(e.error()).isEqualTo("attestation_measurement_not_allowed"));
    assertThat(List.of(tmp.resolve("w1"), tmp.resolve("w2"))).allMatch(p -> !Files.exists(p));
  }

  @Test
  void aTdxGuestsQuoteReachesTheCasAndIsJudgedWithItsCollateral() throws Exception {
    host = new RunFixture(tmp);
    host.cas.user.createSession("""
        name: tdx-run
        services:
          - name: app
            image_name: img
            command: python3 -c "print('secret released')"
            attestation:
              - mrenclave: [%s]
                tdx: {mrtd: [%s]}
        volumes: [{name: work}]
        images: [{name: img, volumes: [{name: work, path: /work}]}]
        """.formatted(host.python("/usr/bin:/bin"), "ab".repeat(48)));
    Path entry = Files.createDirectories(tmp.resolve("tdx/entry"));
    Files.writeString(entry.resolve("provider"), "tdx_guest\n");
    Files.writeString(entry.resolve("generation"), "1\n");
    Files.write(entry.resolve("outblob"), Files.readAllBytes(VECTORS.resolve("trustee/tdx_quote_4.dat")));
    TsmEvidenceProvider tdx = TsmEvidenceProvider.open(tmp.resolve("tdx"), "entry");
    assertThat(tdx.platform()).isEqualTo("tdx");
    ConfidentialRun run = new ConfidentialRun(host.cas.runtime, host.measurer, tdx, Bubblewrap.find(), new PrintWriter(new StringWriter(), true),
        ShutdownHooks.JVM);
    assertThatThrownBy(() -> run.run(RunFixture.request("tdx-run", "app", Map.of("work", tmp.resolve("work"))), new PhaseClock()))
        .isInstanceOfSatisfying(CasException.class, e -> {
          assertThat(e.error()).isEqualTo("attestation_no_collateral");
          assertThat(e.getMessage()).isEqualTo("the collateral holds no CRL of Intel SGX PCK Platform CA");
        });
    assertThat(Files.readAllBytes(entry.resolve("inblob"))).hasSize(64);
    assertThat(tmp.resolve("work")).doesNotExist();
  }
}
