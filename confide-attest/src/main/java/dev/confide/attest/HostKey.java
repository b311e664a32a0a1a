package dev.confide.attest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The per-host key that signs simulated evidence: Ed25519, its 32-byte seed base64 in a 0600 file
 * ({@code confide host init} creates it). Refused when group or others can read it.
 */
public final class HostKey {
  private static final Set<PosixFilePermission> LOOSE = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE);
  private final Ed25519PrivateKeyParameters key;

  private HostKey(Ed25519PrivateKeyParameters key) {
    this.key = key;
  }

  /** Creates a new key in {@code file} (which must not exist; its folder is created 0700). */
  public static HostKey create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Ed25519PrivateKeyParameters fresh = new Ed25519PrivateKeyParameters(new SecureRandom());
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, Base64.getEncoder().encode(fresh.getEncoded()), StandardOpenOption.WRITE);
    return new HostKey(fresh);
  }

  public static HostKey load(Path file) throws IOException {
    java.nio.file.attribute.UserPrincipal other = FileOwners.otherOwner(file);
    if (other != null) {
      throw new IOException(file + " belongs to " + other.getName() + ", not to you; run 'confide host init --force' to make your own");
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.stream().anyMatch(LOOSE::contains)) {
      throw new IOException(file + " is accessible by group or others (" + PosixFilePermissions.toString(perms)
          + "); run 'confide host init --force' to replace it");
    }
    byte[] seed = Base64.getDecoder().decode(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip());
    try {
      return new HostKey(new Ed25519PrivateKeyParameters(seed, 0));
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** The raw 32-byte public key. */
  public byte[] publicKey() {
    return key.generatePublicKey().getEncoded();
  }

  /** The public key's SHA-256 (hex): how the CAS's audit log names the host. */
  public String keyHash() {
    return Hashes.hex(Hashes.sha256().digest(publicKey()));
  }

  byte[] sign(byte[] data) {
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(data, 0, data.length);
    return s.generateSignature();
  }

  @Override
  public String toString() {
    return "HostKey[" + keyHash() + "]";
  }
}
