package dev.confide.cas.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.hybrid.PredefinedHybridParameters;
import dev.confide.cas.CasAttestation;
import dev.confide.cas.CasException;
import dev.confide.cas.api.AttestResponse;
import dev.confide.cas.api.RunConfiguration;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A runtime's ephemeral HPKE key (X25519, HKDF-SHA256, AES-128-GCM; Tink): made for one run, its
 * public half is bound into the evidence and the CAS seals the configuration to it. The private
 * half never leaves this object.
 */
public final class RuntimeKey {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final KeysetHandle keyset;
  private final byte[] publicKeyset;

  private RuntimeKey(KeysetHandle keyset, byte[] publicKeyset) {
    this.keyset = keyset;
    this.publicKeyset = publicKeyset;
  }

  public static RuntimeKey generate() {
    try {
      HybridConfig.register();
      KeysetHandle handle = KeysetHandle.generateNew(PredefinedHybridParameters.HPKE_X25519_HKDF_SHA256_AES_128_GCM);
      return new RuntimeKey(handle, TinkProtoKeysetFormat.serializeKeysetWithoutSecret(handle.getPublicKeysetHandle()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make an HPKE key", e);
    }
  }

  /** The public keyset as sent to the CAS and bound into the report data. */
  public byte[] publicKeyset() {
    return publicKeyset.clone();
  }

  /** Opens the CAS's answer; refuses one not sealed to this key. */
  public RunConfiguration open(AttestResponse response) {
    try {
      byte[] plaintext = keyset.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class)
          .decrypt(Base64.getDecoder().decode(response.sealed()), CasAttestation.CONTEXT);
      try {
        return JSON.readValue(plaintext, RunConfiguration.class);
      } finally {
        Arrays.fill(plaintext, (byte) 0);
      }
    } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
      throw new CasException(0, "integrity", "the configuration from the CAS does not open with this run's key",
          "attest again; if it persists, something between the runtime and the CAS alters answers");
    }
  }

  @Override
  public String toString() {
    return "RuntimeKey";
  }
}
