package dev.confide.attest;

import dev.confide.attest.AttestationException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hardware evidence through Linux's configfs-tsm ({@code /sys/kernel/config/tsm/report}): a report
 * entry (a folder made once per runtime), {@code inblob} written with the 64 bytes of report data,
 * {@code outblob} read back as the report and {@code auxblob} as the certificates the host supplied.
 * The entry is removed once the report is read (one per request). The entry's {@code generation} counts writes: read before and after the blobs, a change means
 * another writer raced this one, and the request is made again. {@code provider} names the
 * platform: {@code sev_guest} (AMD SEV-SNP: the report and the VEK of the host's certificate
 * table) or {@code tdx_guest} (Intel TDX: the quote, which carries its PCK chain). The root is a parameter, so a test's folder stands for the kernel's.
 */
public final class TsmEvidenceProvider implements EvidenceProvider {
  /** Where the kernel exposes it. */
  public static final Path ROOT = Path.of("/sys/kernel/config/tsm/report");
  private static final int TRIES = 3;
  /** GHCB certificate table GUIDs (AMD GHCB spec), in the table's byte order, of the VCEK and the VLEK. */
  private static final byte[][] VEK_GUIDS = {guid("63da758d-e664-4564-adc5-f4b93be8accd"), guid("a8074bc2-a25a-483e-aae6-39c045a0b8a1")};

  private final Path entry;
  private final String provider;

  private TsmEvidenceProvider(Path entry, String provider) {
    this.entry = entry;
    this.provider = provider;
  }

  /** The provider the kernel exposes under {@code root} ({@code sev_guest}, {@code tdx_guest}), if any. */
  public static Optional<String> detect(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (var entries = Files.list(root)) {
      for (Path e : entries.toList()) {
        Path p = e.resolve("provider");
        if (Files.isRegularFile(p)) {
          return Optional.of(Files.readString(p, StandardCharsets.US_ASCII).strip());
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    // no entry yet: the kernel makes one's files on mkdir; whether it can is known only then
    return Optional.of("");
  }

  /** A provider writing to entry {@code name} under {@code root} (made if missing), checked to be SEV-SNP or TDX. */
  public static TsmEvidenceProvider open(Path root, String name) throws AttestationException {
    Path entry = root.resolve(name);
    try {
      Files.createDirectory(entry);
    } catch (FileAlreadyExistsException reuse) {
      // an entry of an earlier runtime: the generation check keeps runs apart
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "cannot make a configfs-tsm report entry in " + root + ": " + e.getMessage(),
          "run the runtime as an account that may write there (root in the guest), or use --evidence sim");
    }
    String provider;
    try {
      provider = Files.readString(entry.resolve("provider"), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "the configfs-tsm entry " + entry + " names no provider: " + e.getMessage(),
          "this guest's kernel has no SEV-SNP or TDX guest driver loaded; use --evidence sim");
    }
    if (!provider.equals("sev_guest") && !provider.equals("tdx_guest")) {
      throw new AttestationException(Reason.IO, "configfs-tsm provider '" + provider + "' is neither sev_guest nor tdx_guest",
          "use --evidence sim");
    }
    return new TsmEvidenceProvider(entry, provider);
  }

  @Override
  public String platform() {
    return provider.equals("sev_guest") ? SnpEvidence.PLATFORM : TdxEvidence.PLATFORM;
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public Evidence produce(String measurement, String reportData) throws AttestationException {
    byte[] data = SnpEvidence.reportData(reportData, measurement);
    try {
      if (!Files.isDirectory(entry)) {
        Files.createDirectory(entry);
      }
      for (int i = 0; i < TRIES; i++) {
        Files.write(entry.resolve("inblob"), data);
        String before = Files.readString(entry.resolve("generation"), StandardCharsets.US_ASCII).strip();
        byte[] report = Files.readAllBytes(entry.resolve("outblob"));
        Path aux = entry.resolve("auxblob");
        byte[] certs = Files.exists(aux) ? Files.readAllBytes(aux) : new byte[0];
        String after = Files.readString(entry.resolve("generation"), StandardCharsets.US_ASCII).strip();
        if (before.equals(after)) {
          removeEntry();
          return provider.equals("sev_guest") ? new SnpEvidence(report, vekCertificates(certs)) : new TdxEvidence(report);
        }
      }
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "configfs-tsm did not produce a report in " + entry + ": " + e.getMessage(),
          "check the guest's sev-guest driver (dmesg)");
    }
    throw new AttestationException(Reason.IO, "another process kept writing the configfs-tsm entry " + entry + " (" + TRIES + " tries)",
        "run one runtime per entry");
  }

  /** The kernel removes an entry on rmdir; a folder that is not the kernel's (a test's) stays. */
  private void removeEntry() {
    try {
      Files.deleteIfExists(entry);
    } catch (IOException notEmpty) {
      // not configfs: nothing of the run's is in it
    }
  }

  /**
   * The VCEK and VLEK of a GHCB certificate table: entries of a 16-byte GUID, a u32 offset and a
   * u32 length (little-endian, offsets from the table's start), ended by an all-zero entry.
   */
  static List<byte[]> vekCertificates(byte[] table) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
    for (int at = 0; at + 24 <= table.length; at += 24) {
      byte[] guid = new byte[16];
      b.get(at, guid);
      int offset = b.getInt(at + 16);
      int length = b.getInt(at + 20);
      if (java.util.Arrays.equals(guid, new byte[16]) && offset == 0 && length == 0) {
        break;
      }
      if (offset < 0 || length <= 0 || (long) offset + length > table.length) {
        continue;
      }
      for (byte[] vek : VEK_GUIDS) {
        if (java.util.Arrays.equals(guid, vek)) {
          out.add(java.util.Arrays.copyOfRange(table, offset, offset + length));
        }
      }
    }
    return out;
  }

  /** A GUID in its little-endian (Microsoft) byte order, as the GHCB table holds it. */
  static byte[] guid(String text) {
    java.util.UUID u = java.util.UUID.fromString(text);
    ByteBuffer b = ByteBuffer.allocate(16);
    long hi = u.getMostSignificantBits();
    b.order(ByteOrder.LITTLE_ENDIAN).putInt((int) (hi >>> 32)).putShort((short) (hi >>> 16)).putShort((short) hi);
    b.order(ByteOrder.BIG_ENDIAN).putLong(u.getLeastSignificantBits());
    return b.array();
  }
}
