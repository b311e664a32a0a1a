package dev.confide.remote.ssh;

import java.io.IOException;
import java.io.Writer;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * A host key checked as OpenSSH checks it against {@code known_hosts} files, for one connection
 * to {@code host} (the name the user gave, or its {@code HostKeyAlias}) on {@code port}: a key an
 * entry names is trusted; a key an {@code @revoked} line names is refused; a host that entries
 * name with another key of the same type has changed its key and is refused, whatever the
 * strategy for unknown keys says; any other key is unknown and goes to {@link UnknownHostKeys},
 * and a key it trusts is appended to {@code writeTo} as a hashed entry. Plain and hashed
 * ({@code |1|salt|hash}) entries, {@code [host]:port} patterns and wildcards are read (MINA SSHD's
 * parser). A host certificate (OpenSSH's {@code -cert-v01}) is trusted when a
 * {@code @cert-authority} line that matches the host names its CA key, neither the CA key nor the
 * host's key is {@code @revoked}, and the certificate names the host (as the user gave it) among
 * its principals; MINA SSHD has checked before that it is a host certificate, within its validity
 * window and signed by that CA key. A certificate is never put to the unknown-key strategy: it is
 * trusted through its CA or refused.
 */
public final class KnownHostsPolicy implements ServerKeyVerifier {
  private final String host;
  private final int port;
  private final List<Path> files;
  private final Path writeTo;
  private final UnknownHostKeys unknown;
  private volatile HostKeyRefusal refusal;

  /**
   * @param files the known_hosts files read, in order (the user's {@code ~/.ssh/known_hosts} and
   *     Confide's own); missing ones are skipped
   * @param writeTo where a newly trusted key is appended (created 0600)
   */
  public KnownHostsPolicy(String host, int port, List<Path> files, Path writeTo, UnknownHostKeys unknown) {
    this.host = host;
    this.port = port;
    this.files = List.copyOf(files);
    this.writeTo = writeTo;
    this.unknown = unknown;
  }

  /** Why the last key was refused; null when none was. */
  public HostKeyRefusal refusal() {
    return refusal;
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
    refusal = null;
    String fingerprint = KeyUtils.getFingerPrint(key);
    String type = KeyUtils.getKeyType(key);
    List<KnownHostEntry> entries;
    try {
      entries = entriesFor();
    } catch (IOException e) {
      return refuse(HostKeyRefusal.Kind.UNKNOWN, "cannot read the known hosts (" + e.getMessage() + ")",
          "fix the file's permissions or content");
    }
    if (key instanceof OpenSshCertificate cert) {
      return verifyCertificate(cert, entries);
    }
    List<String> sameTypeOthers = new ArrayList<>();
    boolean known = false;
    for (KnownHostEntry e : entries) {
      PublicKey listed = publicKey(e);
      if (listed == null) {
        continue;
      }
      boolean same = Arrays.equals(listed.getEncoded(), key.getEncoded());
      String marker = e.getMarker();
      if ("revoked".equals(marker)) {
        if (same) {
          return refuse(HostKeyRefusal.Kind.REVOKED, "the " + type + " key of " + display() + " (" + fingerprint
              + ") is marked @revoked in the known hosts", "the host must get a new key; ask its operator");
        }
      } else if (marker == null) {
        if (same) {
          known = true;
        } else if (KeyUtils.getKeyType(listed).equals(type)) {
          sameTypeOthers.add(KeyUtils.getFingerPrint(listed));
        }
      }
    }
    if (known) {
      return true;
    }
    if (!sameTypeOthers.isEmpty()) {
      return refuse(HostKeyRefusal.Kind.CHANGED, "REMOTE HOST IDENTIFICATION HAS CHANGED: " + display() + " presented the "
          + type + " key " + fingerprint + ", but the known hosts list " + String.join(", ", sameTypeOthers)
          + "; someone could be eavesdropping (a man-in-the-middle), or the host's key was replaced",
          "if its operator confirms the new key, remove the old entry ('ssh-keygen -R " + hostPattern() + "') and connect again");
    }
    if (unknown.trust(host, port, type, fingerprint)) {
      try {
        remember(key);
      } catch (IOException e) {
        return refuse(HostKeyRefusal.Kind.UNKNOWN, "cannot record the key of " + display() + " in " + writeTo + ": "
            + e.getMessage(), "check that file");
      }
      return true;
    }
    return refuse(HostKeyRefusal.Kind.UNKNOWN, "the authenticity of " + display() + " cannot be established: its " + type
        + " key is " + fingerprint + " and no known hosts entry names it",
        "check the fingerprint with the host's operator, then pass --host-key " + fingerprint);
  }

  private boolean verifyCertificate(OpenSshCertificate cert, List<KnownHostEntry> entries) {
    PublicKey ca = cert.getCaPubKey();
    PublicKey hostKey = cert.getCertPubKey();
    String caPrint = KeyUtils.getFingerPrint(ca);
    boolean authority = false;
    for (KnownHostEntry e : entries) {
      PublicKey listed = publicKey(e);
      if (listed == null) {
        continue;
      }
      if ("revoked".equals(e.getMarker()) && (KeyUtils.compareKeys(listed, ca) || KeyUtils.compareKeys(listed, hostKey))) {
        return refuse(HostKeyRefusal.Kind.REVOKED, "the certificate of " + display() + " (" + cert.getId() + ") is signed by"
            + " or certifies a key marked @revoked in the known hosts", "the host must get a new key and certificate; ask its operator");
      }
      if ("cert-authority".equals(e.getMarker()) && KeyUtils.compareKeys(listed, ca)) {
        authority = true;
      }
    }
    if (!authority) {
      return refuse(HostKeyRefusal.Kind.UNKNOWN, display() + " presented a host certificate (" + cert.getId() + ") signed by the"
          + " CA key " + caPrint + ", which no @cert-authority line for it names", "if you trust that CA for this host, add"
          + " '@cert-authority " + host + " " + PublicKeyEntry.toString(ca) + "' to " + writeTo);
    }
    if (!cert.getPrincipals().contains(host)) {
      return refuse(HostKeyRefusal.Kind.UNKNOWN, "the host certificate of " + display() + " (" + cert.getId() + ") is for "
          + (cert.getPrincipals().isEmpty() ? "no host name" : String.join(", ", cert.getPrincipals())) + ", not " + host,
          "reach the host by a name its certificate lists, or have its operator certify this one");
    }
    return true;
  }

  private boolean refuse(HostKeyRefusal.Kind kind, String message, String hint) {
    refusal = new HostKeyRefusal(kind, message, hint);
    return false;
  }

  private List<KnownHostEntry> entriesFor() throws IOException {
    List<KnownHostEntry> matching = new ArrayList<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        continue;
      }
      for (KnownHostEntry e : KnownHostEntry.readKnownHostEntries(f)) {
        if (e.isHostMatch(host, port)) {
          matching.add(e);
        }
      }
    }
    return matching;
  }

  private static PublicKey publicKey(KnownHostEntry e) {
    try {
      return e.getKeyEntry() == null ? null : e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
    } catch (IOException | java.security.GeneralSecurityException ex) {
      return null; // an entry of a key type this client cannot read names no key it could be shown
    }
  }

  /** Appends {@code |1|salt|hash keytype base64} to {@code writeTo}, creating it 0600. */
  private void remember(PublicKey key) throws IOException {
    byte[] salt = new byte[20];
    new SecureRandom().nextBytes(salt);
    byte[] hash;
    try {
      hash = KnownHostHashValue.calculateHashValue(host, port, KnownHostHashValue.DEFAULT_DIGEST, salt);
    } catch (Exception e) {
      throw new IOException("cannot hash the host name: " + e.getMessage(), e);
    }
    StringBuilder line = new StringBuilder();
    KnownHostHashValue.append(line, KnownHostHashValue.DEFAULT_DIGEST, salt, hash);
    line.append(' ');
    PublicKeyEntry.appendPublicKeyEntry(line, key);
    line.append('\n');
    Files.createDirectories(writeTo.toAbsolutePath().getParent());
    if (!Files.exists(writeTo)) {
      Files.createFile(writeTo, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try (Writer w = Files.newBufferedWriter(writeTo, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
      w.write(line.toString());
    }
  }

  private String display() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }

  private String hostPattern() {
    return port == 22 ? host : "'[" + host + "]:" + port + "'";
  }
}
