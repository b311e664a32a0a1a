package dev.confide.cas.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.hybrid.PredefinedHybridParameters;
import dev.confide.cas.api.AttestResponse;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.SealedContexts;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A runtime's ephemeral keys, made for one run: an HPKE key (X25519, HKDF-SHA256, AES-128-GCM;
 * Tink) to which the CAS seals the configuration, and an Ed25519 key (the JDK's) with which the run
 * proves, on every use of its run token, that it is the run the CAS attested. Both public halves are
 * bound into the evidence; the private halves never leave this object.
 */
public final class RuntimeKey {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).addModule(dev.confide.cas.api.WireTypes.module()).build();
  private final KeysetHandle keyset;
  private final byte[] publicKeyset;
  private final java.security.KeyPair signing;

  private RuntimeKey(KeysetHandle keyset, byte[] publicKeyset, java.security.KeyPair signing) {
    this.keyset = keyset;
    this.publicKeyset = publicKeyset;
    this.signing = signing;
  }

  public static RuntimeKey generate() {
    try {
      HybridConfig.register();
      KeysetHandle handle = KeysetHandle.generateNew(PredefinedHybridParameters.HPKE_X25519_HKDF_SHA256_AES_128_GCM);
      return new RuntimeKey(handle, TinkProtoKeysetFormat.serializeKeysetWithoutSecret(handle.getPublicKeysetHandle()),
          java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make an HPKE key", e);
    }
  }

  /** The public keyset as sent to the CAS and bound into the report data. */
  public byte[] publicKeyset() {
    return publicKeyset.clone();
  }

  /** The run's signing key as X.509 SubjectPublicKeyInfo: sent to the CAS and bound into the report data. */
  public byte[] signingKey() {
    return signing.getPublic().getEncoded();
  }

  /** Signs {@code message} (Ed25519): the proof that a use of the run token comes from this run. */
  public byte[] sign(byte[] message) {
    try {
      java.security.Signature s = java.security.Signature.getInstance("Ed25519");
      s.initSign(signing.getPrivate());
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing is unavailable", e);
    }
  }

  /** Opens the CAS's answer; refuses one not sealed to this key. */
  public RunConfiguration open(AttestResponse response) {
    return open(response, SealedContexts.bytes(SealedContexts.CONFIGURATION), RunConfiguration.class);
  }

  /** Opens the CAS's plan (what to measure); refuses one not sealed to this key, or a configuration. */
  public dev.confide.cas.api.RunPlan openPlan(AttestResponse response) {
    return open(response, SealedContexts.bytes(SealedContexts.PLAN), dev.confide.cas.api.RunPlan.class);
  }

  private <T> T open(AttestResponse response, byte[] context, Class<T> type) {
    try {
      byte[] plaintext = keyset.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class)
          .decrypt(Base64.getDecoder().decode(response.sealed()), context);
      try {
        return JSON.readValue(plaintext, type);
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
    } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
      throw new CasException(0, "integrity", "the configuration from the CAS does not open with this run's key",
          "attest again; if it persists, something between the runtime and the CAS alters answers");
    }
  }

  /**
   * Seals a sample plan and configuration to a throwaway key of this kind, opens them and signs
   * once: what a fresh JVM's first answers from the CAS cost (HPKE, Ed25519, Jackson's deserializers
   * for these records; 30-50 ms a handshake), paid by a runtime while it waits for its launch.
   * {@code rounds} rounds; the samples hold no secret, and the key is never used again.
   */
  public static void warmUp(int rounds) {
    try {
      RunConfiguration sample = new RunConfiguration("warm-up", "app", "0".repeat(64), "/bin/true", java.util.Map.of("PATH", "/bin"),
          "/", java.util.List.of(new RunConfiguration.Mount("v", "/v", dev.confide.volume.SymmetricKey.of(new byte[32]),
              new dev.confide.volume.Tag("0".repeat(64)), null, false)), java.util.Map.of("s", "AA=="), "token",
          java.util.List.of(new RunConfiguration.InjectionFile("/f", "x")), false, false,
          new RunConfiguration.ImageTree("/m", "00", "0".repeat(64)), "1000:1000");
      dev.confide.cas.api.RunPlan plan = new dev.confide.cas.api.RunPlan("/bin/true", "/bin", java.util.List.of("/usr/share"));
      for (int i = 0; i < rounds; i++) {
        RuntimeKey key = generate();
        HybridEncrypt sealTo = TinkProtoKeysetFormat.parseKeysetWithoutSecret(key.publicKeyset())
            .getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class);
        Base64.Encoder b64 = Base64.getEncoder();
        key.openPlan(new AttestResponse(b64.encodeToString(sealTo.encrypt(JSON.writeValueAsBytes(plan),
            SealedContexts.bytes(SealedContexts.PLAN)))));
        key.open(new AttestResponse(b64.encodeToString(sealTo.encrypt(JSON.writeValueAsBytes(sample),
            SealedContexts.bytes(SealedContexts.CONFIGURATION)))));
        key.sign(key.publicKeyset());
      }
    } catch (GeneralSecurityException | IOException e) {
      // a warm-up that fails costs the run nothing but speed
    }
  }

  @Override
  public String toString() {
    return "RuntimeKey";
  }
}
