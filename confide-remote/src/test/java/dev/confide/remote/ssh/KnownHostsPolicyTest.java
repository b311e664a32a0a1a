package dev.confide.remote.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.testing.TestSshHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host keys against known_hosts, over a real SSH handshake with MINA SSHD's server on loopback:
 * known keys pass, unknown ones only when confirmed (and are then remembered hashed), changed and
 * revoked ones never.
 */
class KnownHostsPolicyTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private TestSshHost server;
  private SshClient client;
  private KeyPair hostKey;
  private KeyPair userKey;
  private int port;

  private static KeyPair ecKey() throws Exception {
    return TestSshHost.ecKey();
  }

  @BeforeEach
  void start() throws Exception {
    userKey = ecKey();
    server = TestSshHost.start(userKey);
    hostKey = server.hostKey();
    port = server.port();
    client = SshClient.setUpDefaultClient();
    client.start();
  }

  @AfterEach
  void stop() throws Exception {
    client.stop();
    server.close();
  }

  /** Connects and authenticates through {@code policy}; throws when the host key is refused. */
  private void connect(KnownHostsPolicy policy) throws Exception {
    client.setServerKeyVerifier(policy);
    try (ClientSession s = client.connect("user", "127.0.0.1", port).verify(WAIT).getSession()) {
      s.addPublicKeyIdentity(userKey);
      s.auth().verify(WAIT);
    }
  }

  private KnownHostsPolicy policy(Path file, UnknownHostKeys unknown) {
    return new KnownHostsPolicy("127.0.0.1", port, List.of(tmp.resolve("user-known_hosts"), file), file, unknown);
  }

  private String entry(String marker, java.security.PublicKey key) throws Exception {
    return server.knownHostsLine(marker, key);
  }

  @Test
  void anUnknownKeyIsRefusedUnlessItsFingerprintIsConfirmedAndIsThenRememberedHashed() throws Exception {
    Path known = tmp.resolve("confide/known_hosts");
    String fingerprint = KeyUtils.getFingerPrint(hostKey.getPublic());
    KnownHostsPolicy refuse = policy(known, UnknownHostKeys.REFUSE);
    assertThatThrownBy(() -> connect(refuse)).isInstanceOf(Exception.class);
    assertThat(refuse.refusal().kind()).isEqualTo(HostKeyRefusal.Kind.UNKNOWN);
    assertThat(refuse.refusal().message()).contains("[127.0.0.1]:" + port).contains(fingerprint);
    assertThat(refuse.refusal().hint()).contains("--host-key " + fingerprint);
    assertThat(known).doesNotExist();

    KnownHostsPolicy wrong = policy(known, UnknownHostKeys.expecting(KeyUtils.getFingerPrint(ecKey().getPublic())));
    assertThatThrownBy(() -> connect(wrong)).isInstanceOf(Exception.class);
    assertThat(wrong.refusal().kind()).isEqualTo(HostKeyRefusal.Kind.UNKNOWN);
    assertThat(known).doesNotExist();

    KnownHostsPolicy confirmed = policy(known, UnknownHostKeys.expecting(fingerprint));
    connect(confirmed);
    assertThat(confirmed.refusal()).isNull();
    String written = Files.readString(known);
    assertThat(written).startsWith("|1|").doesNotContain("127.0.0.1").endsWith("\n");
    assertThat(written.lines()).hasSize(1);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(known))).isEqualTo("rw-------");

    KnownHostsPolicy later = policy(known, UnknownHostKeys.REFUSE);
    connect(later); // the hashed entry is read back
    assertThat(later.refusal()).isNull();
  }

  @Test
  void aChangedKeyIsRefusedEvenWhenTheUserWouldConfirmTheNewOne() throws Exception {
    KeyPair old = ecKey();
    Files.writeString(tmp.resolve("user-known_hosts"), entry(null, old.getPublic()));
    Path known = tmp.resolve("confide/known_hosts");
    KnownHostsPolicy policy = policy(known, UnknownHostKeys.expecting(KeyUtils.getFingerPrint(hostKey.getPublic())));
    assertThatThrownBy(() -> connect(policy)).isInstanceOf(Exception.class);
    assertThat(policy.refusal().kind()).isEqualTo(HostKeyRefusal.Kind.CHANGED);
    assertThat(policy.refusal().message()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
        .contains(KeyUtils.getFingerPrint(hostKey.getPublic())).contains(KeyUtils.getFingerPrint(old.getPublic()));
    assertThat(policy.refusal().hint()).contains("ssh-keygen -R '[127.0.0.1]:" + port + "'");
    assertThat(known).as("nothing recorded").doesNotExist();
  }

  @Test
  void aRevokedKeyIsRefusedThoughAnotherLineTrustsIt() throws Exception {
    Files.writeString(tmp.resolve("user-known_hosts"), entry(null, hostKey.getPublic()) + entry("revoked", hostKey.getPublic()));
    KnownHostsPolicy policy = policy(tmp.resolve("confide/known_hosts"), UnknownHostKeys.REFUSE);
    assertThatThrownBy(() -> connect(policy)).isInstanceOf(Exception.class);
    assertThat(policy.refusal().kind()).isEqualTo(HostKeyRefusal.Kind.REVOKED);
    // without the @revoked line the same entry is trusted
    Files.writeString(tmp.resolve("user-known_hosts"), entry(null, hostKey.getPublic()));
    KnownHostsPolicy trusted = policy(tmp.resolve("confide/known_hosts"), UnknownHostKeys.REFUSE);
    connect(trusted);
    assertThat(trusted.refusal()).isNull();
  }

  @Test
  void aFingerprintThatIsNotOneIsRefusedAtOnce() {
    assertThatThrownBy(() -> UnknownHostKeys.expecting("MD5:ab:cd")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHA256:");
  }
}
