package dev.confide.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * configfs-tsm against a folder laid out as the kernel lays out a report entry, fed with a real
 * report and a GHCB certificate table holding its VCEK: the code path of a guest, the kernel's part
 * played by files.
 */
class TsmEvidenceProviderTest {
  @TempDir Path tmp;

  static byte[] vector(String name) throws Exception {
    return Files.readAllBytes(Path.of(TsmEvidenceProviderTest.class.getResource("/vectors/" + name).toURI()));
  }

  /** A GHCB certificate table: the VCEK, an ASK (ignored), the terminating zero entry, then the certificates. */
  static byte[] table(byte[] vcek, byte[] ask) {
    int header = 3 * 24;
    ByteBuffer b = ByteBuffer.allocate(header + vcek.length + ask.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(TsmEvidenceProvider.guid("63da758d-e664-4564-adc5-f4b93be8accd")).putInt(header).putInt(vcek.length);
    b.put(TsmEvidenceProvider.guid("4ab7b379-bbac-4fe4-a02f-05aef327c782")).putInt(header + vcek.length).putInt(ask.length);
    b.put(new byte[24]);
    b.put(vcek).put(ask);
    return b.array();
  }

  static Path fakeEntry(Path root, String name, String provider) throws Exception {
    Path entry = Files.createDirectories(root.resolve(name));
    Files.writeString(entry.resolve("provider"), provider + "\n");
    Files.writeString(entry.resolve("generation"), "1\n");
    Files.write(entry.resolve("outblob"), vector("trustee/evidence-report.bin"));
    Files.write(entry.resolve("auxblob"), table(vector("trustee/evidence-vcek.der"), new byte[] {1, 2, 3}));
    return entry;
  }

  @Test
  void aReportIsAskedForWithTheRunsReportDataAndComesBackWithItsVcek() throws Exception {
    Path entry = fakeEntry(tmp, "entry", "sev_guest");
    assertThat(TsmEvidenceProvider.detect(tmp)).contains("sev_guest");
    TsmEvidenceProvider provider = TsmEvidenceProvider.open(tmp, "entry");
    assertThat(provider.platform()).isEqualTo("snp");
    assertThat(provider.simulated()).isFalse();
    String reportData = "ab".repeat(32);
    String measurement = "cd".repeat(32);
    SnpEvidence evidence = (SnpEvidence) provider.produce(measurement, reportData);
    assertThat(Files.readAllBytes(entry.resolve("inblob"))).isEqualTo(HexFormat.of().parseHex(reportData + measurement));
    assertThat(evidence.report()).isEqualTo(vector("trustee/evidence-report.bin"));
    assertThat(evidence.certificates()).hasSize(1);
    assertThat(evidence.certificates().getFirst()).isEqualTo(vector("trustee/evidence-vcek.der"));
    // the wire form round-trips
    SnpEvidence back = (SnpEvidence) Evidence.decode("snp", evidence.encode());
    assertThat(back.report()).isEqualTo(evidence.report());
    assertThat(back.certificates().getFirst()).isEqualTo(evidence.certificates().getFirst());
  }

  @Test
  void anEntryWhoseGenerationCannotBeReadIsRefused() throws Exception {
    Path entry = fakeEntry(tmp, "entry", "sev_guest");
    // a generation that is not a file: the kernel did not answer as configfs-tsm does
    Files.delete(entry.resolve("generation"));
    Files.createDirectory(entry.resolve("generation"));
    assertThatThrownBy(() -> TsmEvidenceProvider.open(tmp, "entry").produce("00".repeat(32), "00".repeat(32)))
        .isInstanceOf(AttestationException.class).hasMessageContaining("did not produce a report");
  }

  @Test
  void noProviderOrAnotherIsRefusedWithTheWayOut() throws Exception {
    assertThat(TsmEvidenceProvider.detect(tmp.resolve("absent"))).isEmpty();
    Files.createDirectories(tmp.resolve("plain"));
    assertThatThrownBy(() -> TsmEvidenceProvider.open(tmp.resolve("plain"), "entry")).isInstanceOfSatisfying(
        AttestationException.class, e -> {
          assertThat(e.getMessage()).contains("names no provider");
          assertThat(e.hint()).contains("--evidence sim");
        });
    fakeEntry(tmp, "other", "arm_cca_guest");
    assertThatThrownBy(() -> TsmEvidenceProvider.open(tmp, "other")).hasMessageContaining("'arm_cca_guest' is neither");
    fakeEntry(tmp, "tdx", "tdx_guest");
    TsmEvidenceProvider tdx = TsmEvidenceProvider.open(tmp, "tdx");
    assertThat(tdx.platform()).isEqualTo("tdx");
    assertThat(((TdxEvidence) tdx.produce("00".repeat(32), "00".repeat(32))).quote()).isEqualTo(vector("trustee/evidence-report.bin"));
  }

  @Test
  void theCertificateTableYieldsOnlyEndorsementKeysAndSurvivesBadOffsets() {
    byte[] t = table(new byte[] {9, 9}, new byte[] {7});
    assertThat(TsmEvidenceProvider.vekCertificates(t)).containsExactly(new byte[] {9, 9});
    ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 1 << 30);
    assertThat(TsmEvidenceProvider.vekCertificates(t)).isEmpty();
    assertThat(TsmEvidenceProvider.vekCertificates(new byte[5])).isEmpty();
  }
}
