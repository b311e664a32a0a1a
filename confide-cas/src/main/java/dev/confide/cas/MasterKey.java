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
 *
 * <p>Rotation (docs/cas-api.md, "Rotating the master key"): the keyset holds one primary key,
 * which seals, and may hold older ones, which still open what they sealed (Tink's prefix names the
 * key in each ciphertext). {@link #add} puts a new key beside the primary, {@link #promote} makes
 * it the primary, {@link MasterKeyRotation#rewrap} seals every stored value again under the
 * primary, and {@link #retire} removes a key no stored value needs any more. Only these methods
 * write the file, each under the data folder's key lock.
 */
public final class MasterKey {
  static final String FILE = "master-key.json";

  private final KeysetHandle handle;
  private final Aead aead;

  private MasterKey(KeysetHandle handle) throws GeneralSecurityException {
    this.handle = handle;
    this.aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
  }

  /** Loads {@code dir/master-key.json}, creating it on first start. */
  public static MasterKey in(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      return load(dir);
    }
    try {
      AeadConfig.register();
      KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      write(file, handle);
      return new MasterKey(handle);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a master key in " + dir, e);
    }
  }

  /** Loads the master key of an existing data folder. */
  public static MasterKey load(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString(), null, "no master key: not a CAS data folder");
    }
    try {
      AeadConfig.register();
      return new MasterKey(TinkJsonProtoKeysetFormat.parseKeyset(
          new String(PrivateFiles.read(file), StandardCharsets.UTF_8), InsecureSecretKeyAccess.get()));
    } catch (GeneralSecurityException e) {
      throw new IOException("the master key in " + dir + " is malformed", e);
    }
  }

  /** One key of the keyset: its id (as Tink writes it into each ciphertext) and whether it seals. */
  public record KeyInfo(long id, boolean primary) {
    /** The id as the commands show it: 8 hex digits. */
    public String hex() {
      return String.format("%08x", id);
    }
  }

  /** The keys, in the keyset's order. */
  public java.util.List<KeyInfo> keys() {
    java.util.List<KeyInfo> keys = new java.util.ArrayList<>();
    for (int i = 0; i < handle.size(); i++) {
      keys.add(new KeyInfo(Integer.toUnsignedLong(handle.getAt(i).getId()), handle.getAt(i).isPrimary()));
    }
    return keys;
  }

  /** The id of the key that seals. */
  public long primaryId() {
    return Integer.toUnsignedLong(handle.getPrimary().getId());
  }

  /** The id of the key that sealed {@code ciphertext} (Tink's prefix: 0x01 and four bytes), or -1. */
  static long keyIdOf(byte[] ciphertext) {
    if (ciphertext.length < 5 || ciphertext[0] != 1) {
      return -1;
    }
    return ((ciphertext[1] & 0xffL) << 24) | ((ciphertext[2] & 0xffL) << 16) | ((ciphertext[3] & 0xffL) << 8) | (ciphertext[4] & 0xffL);
  }

  /** Adds a new key, which opens nothing yet and seals nothing until {@link #promote}d. */
  public static MasterKey add(Path dir) throws IOException {
    return change(dir, (b, current) -> {
      b.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId());
      return null;
    });
  }

  /** Makes key {@code id} the one that seals. */
  public static MasterKey promote(Path dir, long id) throws IOException {
    return change(dir, (b, current) -> {
      b.getAt(indexOf(current, id, dir)).makePrimary();
      return null;
    });
  }

  /**
   * Removes key {@code id}, which must not be the primary; the caller has checked that no stored
   * value is sealed under it ({@link MasterKeyRotation#sealedUnder}).
   */
  public static MasterKey retire(Path dir, long id) throws IOException {
    return change(dir, (b, current) -> {
      int at = indexOf(current, id, dir);
      if (b.getAt(at).isPrimary()) {
        throw new IllegalArgumentException(String.format("key %08x is the primary: promote another key first", id));
      }
      b.deleteAt(at);
      return null;
    });
  }

  private interface Change {
    /** Changes {@code builder}, made from {@code current} (same entries, same order). */
    Void apply(KeysetHandle.Builder builder, KeysetHandle current) throws GeneralSecurityException;
  }

  private static MasterKey change(Path dir, Change change) throws IOException {
    return PrivateFiles.locked(dir.resolve(CasHome.LOCK), () -> {
      MasterKey current = load(dir);
      try {
        KeysetHandle.Builder b = KeysetHandle.newBuilder(current.handle);
        change.apply(b, current.handle);
        KeysetHandle next = b.build();
        write(dir.resolve(FILE), next);
        return new MasterKey(next);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot change the master key in " + dir + ": " + e.getMessage(), e);
      }
    });
  }

  private static int indexOf(KeysetHandle handle, long id, Path dir) {
    for (int i = 0; i < handle.size(); i++) {
      if (Integer.toUnsignedLong(handle.getAt(i).getId()) == id) {
        return i;
      }
    }
    throw new IllegalArgumentException(String.format("the master key in %s has no key %08x", dir, id));
  }

  private static void write(Path file, KeysetHandle handle) throws IOException, GeneralSecurityException {
    PrivateFiles.write(file, TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get())
        .getBytes(StandardCharsets.UTF_8));
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
