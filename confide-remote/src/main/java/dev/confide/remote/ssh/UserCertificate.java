package dev.confide.remote.ssh;

import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;

/**
 * An OpenSSH user certificate ({@code ssh-keygen -s}) presented with its identity's private key,
 * as ssh presents {@code CertificateFile}: the certificate first, then the plain key. MINA SSHD
 * signs with the private key and sends the certificate; the host's sshd checks it against its
 * {@code TrustedUserCAKeys}.
 */
final class UserCertificate {
  private UserCertificate() {}

  /** {@code keys}, each key the certificate in {@code file} certifies preceded by the certificate with its private key. */
  static KeyIdentityProvider presenting(Path file, KeyIdentityProvider keys) {
    OpenSshCertificate cert = read(file);
    return session -> {
      List<KeyPair> pairs = new ArrayList<>();
      for (KeyPair k : keys.loadKeys(session)) {
        if (KeyUtils.compareKeys(cert.getCertPubKey(), k.getPublic())) {
          pairs.add(new KeyPair(cert, k.getPrivate()));
        }
        pairs.add(k);
      }
      return pairs;
    };
  }

  private static OpenSshCertificate read(Path file) {
    try {
      String line = Files.readString(file).strip();
      PublicKey key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
      if (!(key instanceof OpenSshCertificate cert) || cert.getType() != OpenSshCertificate.Type.USER) {
        throw new JobException(ExitCodes.DATA, "bad_certificate", file + " is not an OpenSSH user certificate",
            "give the -cert.pub file 'ssh-keygen -s CA -I ID -n USER KEY.pub' wrote");
      }
      return cert;
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new JobException(ExitCodes.DATA, "bad_certificate", "cannot read the certificate " + file + ": " + e.getMessage(),
          "give the -cert.pub file 'ssh-keygen -s' wrote for your key", e);
    }
  }
}
