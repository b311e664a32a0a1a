package dev.confide.attest;

import dev.confide.attest.AttestationException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Simulated evidence: claims {@code {measurement, report_data, platform: sim}} signed by the host's
 * Ed25519 key. Proves only that someone holding that key said so; a session must tolerate
 * {@code simulation} for it to count. Wire form: three base64 fields joined by '.'.
 */
public record SimEvidence(byte[] claims, byte[] signature, byte[] hostKey) implements Evidence {
  private static final Pattern CLAIMS = Pattern.compile(
      "confide-evidence v1\nplatform=sim\nmeasurement=([0-9a-f]{64})\nreport_data=([0-9a-f]{64})\n");

  public SimEvidence {
    claims = claims.clone();
    signature = signature.clone();
    hostKey = hostKey.clone();
  }

  static byte[] claims(String measurement, String reportData) {
    return ("confide-evidence v1\nplatform=sim\nmeasurement=" + measurement + "\nreport_data=" + reportData + "\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public String platform() {
    return SimEvidenceProvider.PLATFORM;
  }

  /** The claimed measurement and report data; refuses anything not in the one accepted form. */
  String[] parsedClaims() throws AttestationException {
    Matcher m = CLAIMS.matcher(new String(claims, StandardCharsets.US_ASCII));
    if (!m.matches()) {
      throw new AttestationException(Reason.MALFORMED, "the sim evidence's claims are malformed", "produce it with confide's runtime");
    }
    return new String[] {m.group(1), m.group(2)};
  }

  @Override
  public String encode() {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString(claims) + "." + b.encodeToString(signature) + "." + b.encodeToString(hostKey);
  }

  public static SimEvidence decode(String text) throws AttestationException {
    String[] parts = text.split("\\.", -1);
    try {
      if (parts.length != 3) {
        throw new IllegalArgumentException();
      }
      Base64.Decoder d = Base64.getUrlDecoder();
      return new SimEvidence(d.decode(parts[0]), d.decode(parts[1]), d.decode(parts[2]));
    } catch (IllegalArgumentException e) {
      throw new AttestationException(Reason.MALFORMED, "the evidence is not in sim wire form", "produce it with confide's runtime");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SimEvidence s && Arrays.equals(claims, s.claims) && Arrays.equals(signature, s.signature)
        && Arrays.equals(hostKey, s.hostKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(claims) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SimEvidence[" + new String(claims, StandardCharsets.US_ASCII).replace('\n', ' ').strip() + "]";
  }
}
