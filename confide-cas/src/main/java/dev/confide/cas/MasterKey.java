package dev.confide.cas;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The key every secret and volume key is encrypted under at rest: a Tink AES-256-GCM keyset in a
 * 0600 file of the CAS's data folder. Each ciphertext is bound (associated data) to what it
 * belongs to, so a value copied to another row of the database does not decrypt.
 */
public final class MasterKey {
  static final String FILE = "master-key.json";

  private final Aead aead;

  private MasterKey(Aead aead) {
    this.aead = aead;
  }

  /** Loads {@code dir/master-key.json}, creating it on first start. */
  public static MasterKey in(Path dir) throws IOException {
    try {
      AeadConfig.register();
      Path file = dir.resolve(FILE);
      KeysetHandle handle;
      if (Files.exists(file)) {
        handle = TinkJsonProtoKeysetFormat.parseKeyset(
            new String(PrivateFiles.read(file), StandardCharsets.UTF_8), InsecureSecretKeyAccess.get());
      } else {
        handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
        PrivateFiles.write(file, TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get())
            .getBytes(StandardCharsets.UTF_8));
      }
      return new MasterKey(handle.getPrimitive(RegistryConfiguration.get(), Aead.class));
    } catch (GeneralSecurityException e) {
      throw new IOException("the master key in " + dir + " is malformed", e);
    }
  }

  byte[] seal(byte[] plaintext, String boundTo) {
    try {
      return aead.encrypt(plaintext, boundTo.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  byte[] open(byte[] ciphertext, String boundTo) {
    try {
      return aead.decrypt(ciphertext, boundTo.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new CasException(500, "integrity", "a stored secret of " + boundTo
          + " does not decrypt under the master key: the database was modified or belongs to another CAS",
          "restore the database from a backup made with this master key");
    }
  }
}
