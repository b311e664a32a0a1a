package dev.confide.attest.snp;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * A versioned endorsement key's certificate: a VCEK (one chip at one TCB, CN {@code SEV-VCEK}) or
 * a VLEK (a cloud provider's, CN {@code SEV-VLEK}). AMD's extensions under 1.3.6.1.4.1.3704.1:
 * {@code .2} product name (IA5String, as {@code Milan-B0}), {@code .3.1} boot loader SPL,
 * {@code .3.2} TEE SPL, {@code .3.3} SNP SPL, {@code .3.8} microcode SPL, {@code .3.9} FMC SPL
 * (Turin), all DER INTEGERs; {@code .4} hardware ID: the chip ID as 64 raw bytes (older KDS), as a
 * DER OCTET STRING, or 8 raw bytes on Turin.
 */
public record VekCertificate(X509Certificate certificate, Kind kind, String productName, SnpTcb tcb, byte[] hwId) {
  private static final String AMD = "1.3.6.1.4.1.3704.1.";

  public enum Kind { VCEK, VLEK }

  /** Reads {@code c} as a VEK of {@code product}'s TCB layout; empty when it is not one. */
  public static Optional<VekCertificate> of(X509Certificate c) {
    String cn = c.getSubjectX500Principal().getName();
    Kind kind = cn.contains("CN=SEV-VCEK") ? Kind.VCEK : cn.contains("CN=SEV-VLEK") ? Kind.VLEK : null;
    if (kind == null) {
      return Optional.empty();
    }
    String name = string(c, AMD + "2");
    SnpProduct product = SnpProduct.ofProductName(name).orElse(null);
    int fmc = integer(c, AMD + "3.9");
    SnpTcb tcb = new SnpTcb(product == SnpProduct.TURIN ? Math.max(fmc, 0) : -1, integer(c, AMD + "3.1"), integer(c, AMD + "3.2"),
        integer(c, AMD + "3.3"), integer(c, AMD + "3.8"), 0);
    return Optional.of(new VekCertificate(c, kind, name, tcb, hwId(c)));
  }

  public Optional<SnpProduct> product() {
    return SnpProduct.ofProductName(productName);
  }

  /** Whether {@code chipId} (the report's 64 bytes) is this VCEK's hardware ID. */
  public boolean isChip(byte[] chipId) {
    if (hwId == null || hwId.length == 0 || hwId.length > chipId.length) {
      return false;
    }
    for (int i = hwId.length; i < chipId.length; i++) {
      if (chipId[i] != 0) {
        return false;
      }
    }
    return Arrays.equals(hwId, Arrays.copyOf(chipId, hwId.length));
  }

  public String hwIdHex() {
    return hwId == null ? "" : HexFormat.of().formatHex(hwId);
  }

  private static ASN1Primitive value(X509Certificate c, String oid) {
    byte[] wrapped = c.getExtensionValue(oid);
    if (wrapped == null) {
      return null;
    }
    try {
      byte[] inner = ASN1OctetString.getInstance(wrapped).getOctets();
      return ASN1Primitive.fromByteArray(inner);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int integer(X509Certificate c, String oid) {
    ASN1Primitive v = value(c, oid);
    if (v instanceof ASN1Integer i) {
      BigInteger n = i.getValue();
      return n.signum() >= 0 && n.bitLength() <= 8 ? n.intValue() : -1;
    }
    return -1;
  }

  private static String string(X509Certificate c, String oid) {
    ASN1Primitive v = value(c, oid);
    return v instanceof ASN1IA5String s ? s.getString() : null;
  }

  private static byte[] hwId(X509Certificate c) {
    byte[] wrapped = c.getExtensionValue(AMD + "4");
    if (wrapped == null) {
      return null;
    }
    byte[] inner;
    try {
      inner = ASN1OctetString.getInstance(wrapped).getOctets();
    } catch (RuntimeException e) {
      return null;
    }
    if (inner.length == 64 || inner.length == 8) {
      return inner;
    }
    try {
      return ASN1OctetString.getInstance(ASN1Primitive.fromByteArray(inner)).getOctets();
    } catch (IOException | RuntimeException e) {
      return inner;
    }
  }
}
