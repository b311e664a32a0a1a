package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A secret the session defines (generated inside the CAS unless {@code value} is given) or imports.
 * The value never appears in {@link #toString()}. SCONE's spellings are read: {@code key_type} is
 * {@code algorithm}, {@code dns} is {@code san}; {@code endpoint} ({@code server} or
 * {@code client}) gives an x509 certificate that extended key usage. {@code export_public} (SCONE's)
 * makes a certificate's public part, never its key, readable by anyone ({@code GET /v1/values})
 * and importable by every session.
 */
public record SecretSpec(
    String name,
    String kind,
    Integer size,
    String value,
    @com.fasterxml.jackson.annotation.JsonAlias("key_type") String algorithm,
    String issuer,
    @JsonProperty("private_key") String privateKey,
    @JsonProperty("common_name") String commonName,
    @com.fasterxml.jackson.annotation.JsonAlias("dns") List<String> san,
    @JsonProperty("valid_for") String validFor,
    Boolean migrate,
    @com.fasterxml.jackson.annotation.JsonFormat(with = com.fasterxml.jackson.annotation.JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    List<Export> export,
    @JsonProperty("import") SecretImport importFrom,
    String endpoint,
    @JsonProperty("export_public") Boolean exportPublic) {
  public static final String ASCII = "ascii";
  public static final String BINARY = "binary";
  public static final String PRIVATE_KEY = "private-key";
  public static final String X509 = "x509";
  public static final String X509_CA = "x509-ca";
  /** SCONE's: a structured value that stands for a part of the policy ({@link ConfigFragments}); elsewhere its JSON text. */
  public static final String CONFIG_FRAGMENT = ConfigFragments.KIND;
  /** SCONE's: an OpenPGP key made by the CAS (user ID {@code common_name}, {@code key_type} Ed25519 or RSA-N, {@code valid_for}). */
  public static final String PGP_KEY = "pgp-key";
  static final List<String> KINDS = List.of(ASCII, BINARY, PRIVATE_KEY, X509, X509_CA, CONFIG_FRAGMENT, PGP_KEY);
  /** The algorithms of an OpenPGP key: Ed25519 (signing, with an X25519 encryption subkey) or RSA. */
  static final List<String> PGP_ALGORITHMS = List.of("Ed25519", "RSA-2048", "RSA-3072", "RSA-4096");
  static final List<String> ALGORITHMS = List.of("P-256", "P-384", "Ed25519", "RSA-2048", "RSA-3072", "RSA-4096");
  /** What an x509 certificate is for (SCONE's {@code endpoint}): its extended key usage, TLS server or client authentication. */
  public static final List<String> ENDPOINTS = List.of("server", "client");

  public SecretSpec {
    san = san == null ? List.of() : List.copyOf(san);
    export = export == null ? List.of() : List.copyOf(export);
    migrate = migrate != null && migrate;
  }

  public boolean migrates() {
    return migrate;
  }

  /** Whether the secret has a public part: an x509 or x509-ca secret's certificates, a pgp-key's public key. */
  public boolean hasPublicPart() {
    return X509.equals(kind) || X509_CA.equals(kind) || PGP_KEY.equals(kind);
  }

  /** Whether the public part (the certificates, the public key) is public: readable by anyone, importable by every session. */
  public boolean exportsPublic() {
    return exportPublic != null && exportPublic;
  }

  public boolean imported() {
    return importFrom != null;
  }

  /** Where an imported secret comes from. */
  public record SecretImport(String session, String secret) {}

  @Override
  public String toString() {
    return "SecretSpec[" + name + ", " + kind + (value == null ? "" : ", value given") + "]";
  }
}
