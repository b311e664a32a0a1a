package dev.confide.remote.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.remote.JobException;
import dev.confide.testing.TestSshHost;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A passphrase-protected identity file (OpenSSH format, bcrypt KDF): used with its passphrase, refused clearly without. */
class KeyPassphraseTest {
  @TempDir Path tmp;
  private TestSshHost server;
  private KeyPair userKey;
  private Path keyFile;

  @BeforeEach
  void start() throws Exception {
    userKey = TestSshHost.ecKey();
    server = TestSshHost.start(userKey);
    keyFile = tmp.resolve("id_protected");
    OpenSSHKeyEncryptionContext protection = new OpenSSHKeyEncryptionContext();
    protection.setPassword("correct horse");
    protection.setCipherName("AES");
    protection.setCipherType("256");
    try (OutputStream out = Files.newOutputStream(keyFile)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "protected", protection, out);
    }
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(keyFile)).contains("BEGIN OPENSSH PRIVATE KEY");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private SshConnection open(KeyPassphrases passphrases) throws Exception {
    Path known = tmp.resolve("known_hosts");
    Files.writeString(known, server.knownHostsLine(null, server.hostKey().getPublic()));
    HostProfile host = new HostProfile("faye", new SshAddress("tester", "127.0.0.1", server.port()), keyFile, ".confide");
    return SshConnection.open(host, List.of(known), UnknownHostKeys.REFUSE, null, passphrases);
  }

  @Test
  void theRightPassphraseLogsInAndNoneIsRefusedNamingTheFileAndTheWayOut() throws Exception {
    try (SshConnection ssh = open((file, attempt) -> attempt == 0 ? "correct horse" : null)) {
      assertThat(ssh.run("echo in").strip()).isEqualTo("in");
    }
    assertThatThrownBy(() -> open(KeyPassphrases.NONE).close()).isInstanceOfSatisfying(JobException.class, e -> {
      assertThat(e.error()).isEqualTo("key_passphrase");
      assertThat(e.getMessage()).contains(keyFile + " is protected by a passphrase").doesNotContain("correct horse");
      assertThat(e.hint()).contains("ssh-add " + keyFile);
    });
  }
}
