package dev.confide.attest.tdx;

import dev.confide.attest.AttestationException;
import dev.confide.attest.AttestationException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An Intel TDX quote (DCAP quote format, versions 4 and 5), little-endian. Header, 48 bytes:
 * version u16, attestation key type u16 (2: ECDSA P-256), TEE type u32 (0x81: TDX), reserved 4, QE
 * vendor ID 16, user data 20. Version 4: the TD quote body (584 bytes) follows; version 5: a body
 * descriptor (type u16: 2 TDX 1.0, 584 bytes; 3 TDX 1.5, 648 bytes; size u32) and then the body.
 * Body: TEE_TCB_SVN 16, MRSEAM 48, MRSIGNERSEAM 48, SEAM attributes 8, TD attributes 8, XFAM 8,
 * MRTD 48, MRCONFIGID 48, MROWNER 48, MROWNERCONFIG 48, RTMR0–3 48 each, REPORTDATA 64 (and, TDX
 * 1.5, TEE_TCB_SVN2 16, MRSERVICETD 48). Then the signature data's length u32 and the signature
 * data: the quote's ECDSA P-256 signature (r‖s, 64, big-endian) over header and body, the
 * attestation key (x‖y, 64), certification data of type 6 (u16 type, u32 size): the QE report (384
 * bytes, an SGX report body), its signature by the PCK key (64), the QE authentication data (u16
 * size and bytes), and certification data of type 5: the PCK certificate chain, PEM (one NUL byte
 * may end it). Bytes after the signature data are allowed and ignored, as the quote generation
 * library leaves them.
 */
public record TdxQuote(int version, byte[] signed, byte[] teeTcbSvn, byte[] mrSeam, byte[] mrSignerSeam, long seamAttributes,
    long tdAttributes, long xfam, byte[] mrTd, byte[] mrConfigId, byte[] mrOwner, byte[] mrOwnerConfig, byte[][] rtmr,
    byte[] reportData, byte[] signature, byte[] attestationKey, byte[] qeReport, byte[] qeReportSignature, byte[] qeAuthData,
    String pckChainPem) {
  /** TD attributes bit 0: the TD is debuggable (its host can read and change it). */
  public static final long TD_DEBUG = 1L;
  private static final int HEADER = 48;
  private static final int BODY_V4 = 584;

  public static TdxQuote parse(byte[] bytes) throws AttestationException {
    try {
      return read(bytes);
    } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
      throw malformed("the quote ends before its parts do (" + bytes.length + " bytes)");
    }
  }

  private static TdxQuote read(byte[] bytes) throws AttestationException {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < HEADER + BODY_V4 + 4) {
      throw malformed("a TDX quote is at least " + (HEADER + BODY_V4 + 4) + " bytes, this one " + bytes.length);
    }
    int version = b.getShort(0) & 0xFFFF;
    if (version != 4 && version != 5) {
      throw malformed("quote version " + version + " is not one this verifier knows (4 or 5)");
    }
    int keyType = b.getShort(2) & 0xFFFF;
    if (keyType != 2) {
      throw malformed("the quote's attestation key type is " + keyType + ", not 2 (ECDSA P-256)");
    }
    int teeType = b.getInt(4);
    if (teeType != 0x81) {
      throw malformed("the quote's TEE type is 0x" + Integer.toHexString(teeType) + ", not 0x81 (TDX)");
    }
    int body = HEADER;
    int bodySize = BODY_V4;
    if (version == 5) {
      int type = b.getShort(HEADER) & 0xFFFF;
      bodySize = b.getInt(HEADER + 2);
      if (!(type == 2 && bodySize == 584) && !(type == 3 && bodySize == 648)) {
        throw malformed("the quote's body is of type " + type + " and " + Integer.toUnsignedString(bodySize)
            + " bytes, not TDX 1.0 (2, 584) or TDX 1.5 (3, 648)");
      }
      body = HEADER + 6;
    }
    int signedEnd = body + bodySize;
    int sigLength = b.getInt(signedEnd);
    int sig = signedEnd + 4;
    if (sigLength < 0 || (long) sig + sigLength > bytes.length) {
      throw malformed("the quote's signature data is " + Integer.toUnsignedString(sigLength) + " bytes, more than the "
          + (bytes.length - sig) + " that follow");
    }
    int certType = b.getShort(sig + 128) & 0xFFFF;
    int certSize = b.getInt(sig + 130);
    if (certType != 6) {
      throw malformed("the quote's certification data is of type " + certType + ", not 6 (QE report)");
    }
    if (certSize != sigLength - 134) {
      throw malformed("the quote's certification data is " + Integer.toUnsignedString(certSize) + " bytes, not the "
          + (sigLength - 134) + " its signature data's length leaves");
    }
    int qe = sig + 134;
    int authSize = b.getShort(qe + 448) & 0xFFFF;
    int inner = qe + 450 + authSize;
    int innerType = b.getShort(inner) & 0xFFFF;
    int innerSize = b.getInt(inner + 2);
    if (innerType != 5) {
      throw malformed("the QE's certification data is of type " + innerType + ", not 5 (the PCK certificate chain)");
    }
    if (innerSize < 0 || inner + 6L + innerSize != sig + (long) sigLength) {
      throw malformed("the PCK certificate chain's size " + Integer.toUnsignedString(innerSize) + " does not fill the signature data");
    }
    byte[] pem = slice(bytes, inner + 6, innerSize);
    int end = pem.length;
    if (end > 0 && pem[end - 1] == 0) {
      end--; // the quote library ends the PEM with one NUL byte
    }
    String chain = new String(pem, 0, end, StandardCharsets.US_ASCII);
    if (chain.indexOf('\0') >= 0 || !chain.contains("-----BEGIN CERTIFICATE-----")) {
      throw malformed("the quote's PCK certificate chain is not PEM");
    }
    byte[][] rtmr = new byte[4][];
    for (int i = 0; i < 4; i++) {
      rtmr[i] = slice(bytes, body + 328 + 48 * i, 48);
    }
    return new TdxQuote(version, slice(bytes, 0, signedEnd), slice(bytes, body, 16), slice(bytes, body + 16, 48),
        slice(bytes, body + 64, 48), b.getLong(body + 112), b.getLong(body + 120), b.getLong(body + 128), slice(bytes, body + 136, 48),
        slice(bytes, body + 184, 48), slice(bytes, body + 232, 48), slice(bytes, body + 280, 48), rtmr, slice(bytes, body + 520, 64),
        slice(bytes, sig, 64), slice(bytes, sig + 64, 64), slice(bytes, qe, 384), slice(bytes, qe + 384, 64),
        slice(bytes, qe + 450, authSize), chain);
  }

  static AttestationException malformed(String message) {
    return new AttestationException(Reason.MALFORMED, message, "give the quote exactly as the guest's quote service wrote it");
  }

  private static byte[] slice(byte[] bytes, int at, int length) {
    if (at < 0 || length < 0 || at + length > bytes.length) {
      throw new IndexOutOfBoundsException();
    }
    return Arrays.copyOfRange(bytes, at, at + length);
  }

  public boolean debug() {
    return (tdAttributes & TD_DEBUG) != 0;
  }

  public String mrTdHex() {
    return HexFormat.of().formatHex(mrTd);
  }

  public String reportDataHex() {
    return HexFormat.of().formatHex(reportData);
  }

  public String rtmrHex(int i) {
    return HexFormat.of().formatHex(rtmr[i]);
  }

  /** The QE report's fields (an SGX report body): MRSIGNER 32 at 128, ISVPRODID u16 at 256, ISVSVN u16 at 258, report data 64 at 320. */
  public byte[] qeMrSigner() {
    return Arrays.copyOfRange(qeReport, 128, 160);
  }

  public int qeIsvProdId() {
    return ByteBuffer.wrap(qeReport).order(ByteOrder.LITTLE_ENDIAN).getShort(256) & 0xFFFF;
  }

  public int qeIsvSvn() {
    return ByteBuffer.wrap(qeReport).order(ByteOrder.LITTLE_ENDIAN).getShort(258) & 0xFFFF;
  }

  public long qeMiscSelect() {
    return ByteBuffer.wrap(qeReport).order(ByteOrder.LITTLE_ENDIAN).getInt(16) & 0xFFFFFFFFL;
  }

  public byte[] qeAttributes() {
    return Arrays.copyOfRange(qeReport, 48, 64);
  }

  public byte[] qeReportData() {
    return Arrays.copyOfRange(qeReport, 320, 384);
  }
}
