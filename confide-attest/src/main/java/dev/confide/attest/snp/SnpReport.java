package dev.confide.attest.snp;

import dev.confide.attest.AttestationException;
import dev.confide.attest.AttestationException.Reason;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An AMD SEV-SNP attestation report (SEV-SNP firmware ABI, ATTESTATION_REPORT, versions 2 to 5):
 * 0x4A0 bytes, little-endian. The part signed is bytes 0x000–0x29F; the signature at 0x2A0 is
 * ECDSA P-384 with SHA-384, R and S each 72 bytes little-endian. Offsets: version 0x00, guest SVN
 * 0x04, policy 0x08, family ID 0x10, image ID 0x20, VMPL 0x30, signature algorithm 0x34, current
 * TCB 0x38, platform info 0x40, key info 0x48 (bit 0 author key, bit 1 mask chip key, bits 2–4
 * signing key: 0 VCEK, 1 VLEK, 7 none), report data 0x50 (64), measurement 0x90 (48), host data
 * 0xC0 (32), ID key digest 0xE0 (48), author key digest 0x110 (48), report ID 0x140, report ID of
 * the migration agent 0x160, reported TCB 0x180, CPUID family/model/stepping 0x188–0x18A (version
 * 3+), chip ID 0x1A0 (64), committed TCB 0x1E0, current build/minor/major 0x1E8–0x1EA, committed
 * build/minor/major 0x1EC–0x1EE, launch TCB 0x1F0, launch/current mitigation vectors 0x1F8/0x200
 * (version 5). Bytes after 0x4A0 are refused: a report is exactly what the firmware wrote.
 */
public record SnpReport(
    int version, int guestSvn, long policy, byte[] familyId, byte[] imageId, int vmpl, int signatureAlgorithm,
    long currentTcb, long platformInfo, int keyInfo, byte[] reportData, byte[] measurement, byte[] hostData,
    byte[] idKeyDigest, byte[] authorKeyDigest, byte[] reportId, byte[] reportIdMa, long reportedTcb,
    int cpuidFamily, int cpuidModel, int cpuidStepping, byte[] chipId, long committedTcb, String currentFirmware,
    String committedFirmware, long launchTcb, byte[] signed, BigInteger signatureR, BigInteger signatureS) {
  public static final int SIZE = 0x4A0;
  static final int SIGNED = 0x2A0;
  /** Policy bit 19: the hypervisor may debug the guest (read and change its memory). */
  public static final long POLICY_DEBUG = 1L << 19;
  /** Policy bit 18: a migration agent may be associated. */
  public static final long POLICY_MIGRATE_MA = 1L << 18;
  /** Policy bit 17: reserved, must be one. */
  static final long POLICY_RESERVED_ONE = 1L << 17;

  /** Which key signed the report. */
  public enum SigningKey { VCEK, VLEK, NONE }

  /** Parses {@code bytes}, refusing what is not a version 2–5 report signed with ECDSA P-384. */
  public static SnpReport parse(byte[] bytes) throws AttestationException {
    if (bytes.length != SIZE) {
      throw malformed("an SEV-SNP report is " + SIZE + " bytes, this one " + bytes.length);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int version = b.getInt(0x00);
    if (version < 2 || version > 5) {
      throw malformed("report version " + Integer.toUnsignedString(version) + " is not one this verifier knows (2 to 5)");
    }
    int algorithm = b.getInt(0x34);
    if (algorithm != 1) {
      throw malformed("the report's signature algorithm is " + Integer.toUnsignedString(algorithm)
          + ", not 1 (ECDSA P-384 with SHA-384)");
    }
    long policy = b.getLong(0x08);
    if ((policy & POLICY_RESERVED_ONE) == 0) {
      throw malformed("the report's policy 0x" + Long.toHexString(policy) + " has reserved bit 17 clear (it must be set)");
    }
    int vmpl = b.getInt(0x30);
    if (vmpl < 0 || vmpl > 3) {
      throw malformed("the report's VMPL is " + Integer.toUnsignedString(vmpl) + ", not 0 to 3");
    }
    int keyInfo = b.getInt(0x48);
    int signer = (keyInfo >>> 2) & 7;
    if (signer != 0 && signer != 1 && signer != 7) {
      throw malformed("the report names signing key " + signer + " (0 VCEK, 1 VLEK, 7 none)");
    }
    int family = version >= 3 ? bytes[0x188] & 0xFF : -1;
    int model = version >= 3 ? bytes[0x189] & 0xFF : -1;
    int stepping = version >= 3 ? bytes[0x18A] & 0xFF : -1;
    return new SnpReport(version, b.getInt(0x04), policy, slice(bytes, 0x10, 16), slice(bytes, 0x20, 16), vmpl, algorithm,
        b.getLong(0x38), b.getLong(0x40), keyInfo, slice(bytes, 0x50, 64), slice(bytes, 0x90, 48), slice(bytes, 0xC0, 32),
        slice(bytes, 0xE0, 48), slice(bytes, 0x110, 48), slice(bytes, 0x140, 32), slice(bytes, 0x160, 32), b.getLong(0x180),
        family, model, stepping, slice(bytes, 0x1A0, 64), b.getLong(0x1E0), firmware(bytes, 0x1E8), firmware(bytes, 0x1EC),
        b.getLong(0x1F0), slice(bytes, 0, SIGNED), littleEndian(bytes, SIGNED), littleEndian(bytes, SIGNED + 72));
  }

  private static AttestationException malformed(String message) {
    return new AttestationException(Reason.MALFORMED, message, "give the report exactly as the guest's firmware wrote it");
  }

  private static byte[] slice(byte[] bytes, int at, int length) {
    return Arrays.copyOfRange(bytes, at, at + length);
  }

  private static String firmware(byte[] bytes, int at) {
    return (bytes[at + 2] & 0xFF) + "." + (bytes[at + 1] & 0xFF) + " build " + (bytes[at] & 0xFF);
  }

  private static BigInteger littleEndian(byte[] bytes, int at) {
    byte[] be = new byte[72];
    for (int i = 0; i < 72; i++) {
      be[i] = bytes[at + 71 - i];
    }
    return new BigInteger(1, be);
  }

  /** Which key signed it: key info bits 2–4. */
  public SigningKey signingKey() {
    return switch ((keyInfo >>> 2) & 7) {
      case 0 -> SigningKey.VCEK;
      case 1 -> SigningKey.VLEK;
      default -> SigningKey.NONE;
    };
  }

  /** Whether the chip ID was masked (key info bit 1): the report then carries zeros. */
  public boolean chipIdMasked() {
    return (keyInfo & 2) != 0;
  }

  public boolean debug() {
    return (policy & POLICY_DEBUG) != 0;
  }

  public String measurementHex() {
    return HexFormat.of().formatHex(measurement);
  }

  public String reportDataHex() {
    return HexFormat.of().formatHex(reportData);
  }

  public String chipIdHex() {
    return HexFormat.of().formatHex(chipId);
  }
}
