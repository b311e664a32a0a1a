package dev.confide.cas;

import dev.confide.policy.SecretSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.generators.X25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.params.X25519KeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * SCONE's {@code kind: pgp-key}, made inside the CAS with BouncyCastle's OpenPGP (RFC 4880 v4
 * keys, as GnuPG 2.2 and later read them): a primary key that certifies and signs and a subkey that
 * encrypts, Ed25519 with X25519 (default) or RSA with RSA ({@code key_type: RSA-3072}, ...), the user
 * ID {@code common_name} (default: the secret's name), expiring after {@code valid_for} if given.
 * The stored value is the ASCII-armored public key followed by the ASCII-armored secret key,
 * unprotected (it is released only into the runtime's private memory): {@code :public} of a
 * placeholder is the first, {@code :key} the second, and {@code export_public} makes the first public.
 */
final class PgpKeys {
  private final SecureRandom random;

  PgpKeys(SecureRandom random) {
    this.random = random;
  }

  byte[] generate(SecretSpec spec, Duration validity) {
    String algorithm = spec.algorithm() == null ? "Ed25519" : spec.algorithm();
    String userId = spec.commonName() == null ? spec.name() : spec.commonName();
    Date now = new Date((System.currentTimeMillis() / 1000) * 1000);
    try {
      PGPKeyPair primary;
      PGPKeyPair encryption;
      if (algorithm.startsWith("RSA-")) {
        int bits = Integer.parseInt(algorithm.substring(4));
        primary = new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, rsa(bits), now);
        encryption = new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, rsa(bits), now);
      } else {
        Ed25519KeyPairGenerator ed = new Ed25519KeyPairGenerator();
        ed.init(new Ed25519KeyGenerationParameters(random));
        X25519KeyPairGenerator x = new X25519KeyPairGenerator();
        x.init(new X25519KeyGenerationParameters(random));
        primary = new BcPGPKeyPair(PublicKeyAlgorithmTags.EDDSA_LEGACY, ed.generateKeyPair(), now);
        encryption = new BcPGPKeyPair(PublicKeyAlgorithmTags.ECDH, x.generateKeyPair(), now);
      }
      PGPSignatureSubpacketGenerator certified = new PGPSignatureSubpacketGenerator();
      certified.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
      certified.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA256});
      certified.setPreferredSymmetricAlgorithms(false, new int[] {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128});
      certified.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
      PGPSignatureSubpacketGenerator encrypting = new PGPSignatureSubpacketGenerator();
      encrypting.setKeyFlags(false, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
      if (validity != null) {
        certified.setKeyExpirationTime(false, validity.toSeconds());
        encrypting.setKeyExpirationTime(false, validity.toSeconds());
      }
      PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
          new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), certified.generate(), null,
          new BcPGPContentSignerBuilder(primary.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512), null);
      rings.addSubKey(encryption, encrypting.generate(), null);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      armored(out, rings.generatePublicKeyRing()::encode);
      armored(out, rings.generateSecretKeyRing()::encode);
      return out.toByteArray();
    } catch (PGPException e) {
      throw new IllegalStateException("cannot make an OpenPGP key", e);
    }
  }

  private AsymmetricCipherKeyPair rsa(int bits) {
    RSAKeyPairGenerator g = new RSAKeyPairGenerator();
    g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), random, bits, 100));
    return g.generateKeyPair();
  }

  private interface Encoder {
    void encode(OutputStream out) throws IOException;
  }

  private static void armored(ByteArrayOutputStream out, Encoder ring) {
    try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(out)) {
      ring.encode(armor);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
