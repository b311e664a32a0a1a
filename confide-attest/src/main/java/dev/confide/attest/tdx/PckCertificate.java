package dev.confide.attest.tdx;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * A PCK certificate's Intel SGX extension (1.2.840.113741.1.13.1), a SEQUENCE of {OID, value}:
 * {@code .2} the TCB (a SEQUENCE of {@code .2.1}–{@code .2.16} component SVNs, {@code .2.17} PCESVN,
 * {@code .2.18} CPUSVN), {@code .3} PCE ID (2 bytes), {@code .4} FMSPC (6 bytes), {@code .5} SGX
 * type. The CA type (platform or processor) is its issuer's.
 */
public record PckCertificate(X509Certificate certificate, String fmspc, String pceId, int[] componentSvn, int pceSvn, String caType) {
  private static final String SGX = "1.2.840.113741.1.13.1";

  /** Reads {@code c}'s extension; empty when it has none or it is not of this form. */
  public static Optional<PckCertificate> of(X509Certificate c) {
    byte[] wrapped = c.getExtensionValue(SGX);
    if (wrapped == null) {
      return Optional.empty();
    }
    try {
      ASN1Sequence top = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(wrapped).getOctets()));
      String fmspc = null;
      String pceId = null;
      int[] svn = null;
      int pceSvn = -1;
      for (ASN1Encodable e : top) {
        ASN1Sequence pair = ASN1Sequence.getInstance(e);
        String oid = ASN1ObjectIdentifier.getInstance(pair.getObjectAt(0)).getId();
        ASN1Encodable value = pair.getObjectAt(1);
        switch (oid.substring(SGX.length())) {
          case ".4" -> fmspc = HexFormat.of().formatHex(ASN1OctetString.getInstance(value).getOctets());
          case ".3" -> pceId = HexFormat.of().formatHex(ASN1OctetString.getInstance(value).getOctets());
          case ".2" -> {
            svn = new int[16];
            for (ASN1Encodable t : ASN1Sequence.getInstance(value)) {
              ASN1Sequence tp = ASN1Sequence.getInstance(t);
              String sub = ASN1ObjectIdentifier.getInstance(tp.getObjectAt(0)).getId().substring(SGX.length() + 3);
              int n = Integer.parseInt(sub);
              if (n >= 1 && n <= 16) {
                svn[n - 1] = ASN1Integer.getInstance(tp.getObjectAt(1)).intValueExact();
              } else if (n == 17) {
                pceSvn = ASN1Integer.getInstance(tp.getObjectAt(1)).intValueExact();
              }
            }
          }
          default -> {
            if (value instanceof ASN1Enumerated) {
              // the SGX type: not needed to verify
            }
          }
        }
      }
      if (fmspc == null || pceId == null || svn == null || pceSvn < 0) {
        return Optional.empty();
      }
      String issuer = c.getIssuerX500Principal().getName();
      String ca = issuer.contains("Processor") ? "processor" : issuer.contains("Platform") ? "platform" : "unknown";
      return Optional.of(new PckCertificate(c, fmspc, pceId, svn, pceSvn, ca));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
