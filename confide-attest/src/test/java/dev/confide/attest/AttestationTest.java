package dev.confide.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.AttestationException.Reason;
import dev.confide.attest.EvidenceVerifier.Expectations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttestationTest {
  static final byte[] RUN_KEY = "run-signing-key".getBytes();
  @TempDir Path tmp;
  HostKey host;
  Measurer measurer;
  Path program;

  @BeforeEach
  void setUp() throws Exception {
    host = HostKey.create(tmp.resolve("host/host-key"));
    measurer = new Measurer("a".repeat(64));
    Files.createDirectories(tmp.resolve("bin"));
    program = Files.writeString(tmp.resolve("bin/tool"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void refused(ThrowingCallable call, Reason reason, String part) {
    assertThatThrownBy(call).isInstanceOfSatisfying(AttestationException.class, e -> {
      assertThat(e.reason()).isEqualTo(reason);
      assertThat(e.getMessage()).contains(part);
      assertThat(e.hint()).isNotBlank();
    });
  }

  @Test
  void theHostKeyIsPrivate() throws Exception {
    Path file = tmp.resolve("host/host-key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(HostKey.load(file).keyHash()).isEqualTo(host.keyHash());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> HostKey.load(file)).hasMessageContaining("accessible by group or others");
  }

  @Test
  void aMeasurementNamesTheResolvedExecutableAndChangesWithIt() throws Exception {
    Measurement m = measurer.measure(List.of("tool", "--flag"), tmp.resolve("nowhere") + ":" + tmp.resolve("bin"));
    assertThat(m.executable()).isEqualTo(program.toRealPath());
    Files.writeString(program, "#!/bin/sh\necho evil\n");
    Measurement changed = measurer.measure(List.of(program.toString()), null);
    assertThat(changed.value()).isNotEqualTo(m.value());
    assertThat(new Measurer("b".repeat(64)).measure(List.of(program.toString()), null).value()).isNotEqualTo(changed.value());
    Path link = tmp.resolve("bin/alias");
    Files.createSymbolicLink(link, program);
    assertThat(measurer.measure(List.of("alias"), tmp.resolve("bin").toString())).isEqualTo(
        measurer.measure(List.of(program.toString()), null));
    refused(() -> measurer.measure(List.of("no-such-tool"), tmp.resolve("bin").toString()), Reason.COMMAND_NOT_FOUND,
        "no-such-tool is not found on PATH");
  }

  @Test
  void aRemeasuredExecutableIsHashedAgainWhenItsBytesChangeEvenAtTheSameSizeAndMtime() throws Exception {
    Measurement first = measurer.measure(List.of(program.toString()), null);
    java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(program);
    byte[] bytes = Files.readAllBytes(program);
    bytes[bytes.length - 2] ^= 0x01;
    Files.write(program, bytes);
    Files.setLastModifiedTime(program, mtime);
    assertThat(measurer.measure(List.of(program.toString()), null).executableDigest()).isNotEqualTo(first.executableDigest());
  }

  @Test
  void theRuntimeDigestCoversEveryFileOnTheClassPath() throws Exception {
    Path classes = Files.createDirectories(tmp.resolve("classes/a"));
    Files.writeString(classes.resolve("A.class"), "one");
    String before = Measurer.runtimeDigest(tmp.resolve("classes").toString());
    Files.writeString(classes.resolve("A.class"), "two");
    assertThat(Measurer.runtimeDigest(tmp.resolve("classes").toString())).isNotEqualTo(before).hasSize(64);
  }

  @Test
  void simEvidenceVerifiesOnlyForItsReportDataMeasurementAndWithSimulationTolerated() throws Exception {
    Measurement m = measurer.measure(List.of(program.toString()), null);
    byte[] nonce = "nonce-1".getBytes();
    byte[] runtimeKey = "runtime-public-key".getBytes();
    String reportData = ReportData.of(nonce, runtimeKey, RUN_KEY);
    SimEvidence evidence = new SimEvidenceProvider(host).produce(m, reportData);
    EvidenceVerifier verifier = new EvidenceVerifier();
    Set<String> trusted = Set.of(host.keyHash());
    var ok = verifier.verify(SimEvidence.decode(evidence.encode()), new Expectations(reportData, Set.of(m.value()), true, trusted));
    assertThat(ok.measurement()).isEqualTo(m.value());
    assertThat(ok.hostKeyHash()).isEqualTo(host.keyHash());

    refused(() -> verifier.verify(evidence, new Expectations(reportData, Set.of(m.value()), false, trusted)),
        Reason.SIMULATION_NOT_TOLERATED, "does not tolerate simulation");
    refused(() -> verifier.verify(evidence, new Expectations(ReportData.of("nonce-2".getBytes(), runtimeKey, RUN_KEY), Set.of(m.value()), true, trusted)),
        Reason.REPORT_DATA_MISMATCH, "replayed");
    refused(() -> verifier.verify(evidence, new Expectations(ReportData.of(nonce, "other-key".getBytes(), RUN_KEY), Set.of(m.value()), true, trusted)),
        Reason.REPORT_DATA_MISMATCH, "another nonce or runtime key");
    refused(() -> verifier.verify(evidence, new Expectations(ReportData.of(nonce, runtimeKey, "another run key".getBytes()),
        Set.of(m.value()), true, trusted)), Reason.REPORT_DATA_MISMATCH, "another nonce or runtime key");
    refused(() -> verifier.verify(evidence, new Expectations(reportData, Set.of("c".repeat(64)), true, trusted)),
        Reason.MEASUREMENT_NOT_ALLOWED, "is not in the service's mrenclave list");

    byte[] forged = evidence.claims();
    forged[forged.length - 2] ^= 1;
    refused(() -> verifier.verify(new SimEvidence(forged, evidence.signature(), evidence.hostKey()),
        new Expectations(reportData, Set.of(m.value()), true, trusted)), Reason.BAD_SIGNATURE, "altered");
    refused(() -> SimEvidence.decode("not-evidence"), Reason.MALFORMED, "not in sim wire form");
  }

  @Test
  void simEvidenceSignedByAKeyNobodyTrustedIsRefused() throws Exception {
    // the attack: a fresh key, the session's measurement (computable offline), evidence signed with it
    HostKey forger = HostKey.create(tmp.resolve("forger/host-key"));
    Measurement m = measurer.measure(List.of(program.toString()), null);
    String reportData = ReportData.of("nonce".getBytes(), "key".getBytes(), RUN_KEY);
    SimEvidence forged = new SimEvidenceProvider(forger).produce(m, reportData);
    refused(() -> new EvidenceVerifier().verify(forged, new Expectations(reportData, Set.of(m.value()), true, Set.of(host.keyHash()))),
        Reason.UNTRUSTED_HOST, "simulated evidence signed by host key " + forger.keyHash() + ", which this session does not trust");
    refused(() -> new EvidenceVerifier().verify(forged, new Expectations(reportData, Set.of(m.value()), true, Set.of())),
        Reason.UNTRUSTED_HOST, "does not trust");
  }
}
