package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.testing.OpenSshHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSH certificates against Debian's real sshd, signed with {@code ssh-keygen -s}: a host
 * certificate trusted through an {@code @cert-authority} line (and refused for a name it does not
 * list, or with no such line), and a user certificate the host's {@code TrustedUserCAKeys} lets in
 * where no authorized key would.
 */
class OpenSshCertificateTest {
  @TempDir Path tmp;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  private Path keygen(String name) throws Exception {
    Path key = tmp.resolve(name);
    OpenSshHost.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString());
    return key;
  }

  /** sshd with a host certificate for {@code principals}, trusting user certificates of {@code userCa}; no authorized key. */
  private OpenSshHost start(Path hostCa, String principals, Path userCa) throws Exception {
    return OpenSshHost.start(List.of(), dir -> {
      OpenSshHost.exec("ssh-keygen", "-q", "-s", hostCa.toString(), "-h", "-I", "test-host", "-n", principals,
          dir.resolve("host_ed25519.pub").toString());
      Files.copy(userCa.resolveSibling(userCa.getFileName() + ".pub"), dir.resolve("user_ca.pub"));
      return List.of("HostCertificate " + dir.resolve("host_ed25519-cert.pub"), "TrustedUserCAKeys " + dir.resolve("user_ca.pub"));
    });
  }

  @Test
  void aHostCertificateAndAUserCertificateLetARunInWithNoKeyConfirmedOrAuthorized() throws Exception {
    assumeTrue(OpenSshHost.unavailable().isEmpty(), () -> OpenSshHost.unavailable().orElse(""));
    Path hostCa = keygen("host_ca");
    Path userCa = keygen("user_ca");
    Path user = keygen("id_user");
    OpenSshHost.exec("ssh-keygen", "-q", "-s", userCa.toString(), "-I", "tester", "-n", OpenSshHost.ACCOUNT,
        user + ".pub");
    assertThat(tmp.resolve("id_user-cert.pub")).isRegularFile();
    try (OpenSshHost sshd = start(hostCa, "127.0.0.1", userCa)) {
      CliRun added = confide("host", "add", "faye", "--ssh", OpenSshHost.ACCOUNT + "@127.0.0.1:" + sshd.port(), "--identity",
          user.toString());
      assertThat(added.code()).as(added.err()).isZero();

      CliRun noAuthority = confide("host", "check", "faye");
      assertThat(noAuthority.code()).as(noAuthority.err()).isEqualTo(ExitCodes.DENIED);
      assertThat(noAuthority.err()).contains("presented a host certificate (test-host) signed by the CA key")
          .contains("which no @cert-authority line for it names");

      Files.writeString(tmp.resolve("config/known_hosts"), "@cert-authority [127.0.0.1]:" + sshd.port() + " "
          + Files.readString(hostCa.resolveSibling("host_ca.pub")));
      CliRun checked = confide("host", "check", "faye", "--json");
      assertThat(checked.code()).as(checked.err() + sshd.log()).isZero();
      assertThat(sshd.log()).as("the login was by the user certificate").contains("Accepted publickey for " + OpenSshHost.ACCOUNT)
          .contains("ID tester");

      // without the certificate the same key is not let in: nothing authorizes it
      Files.delete(tmp.resolve("id_user-cert.pub"));
      CliRun refused = confide("host", "check", "faye");
      assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCodes.DENIED);
      assertThat(refused.err()).contains("refused the login as " + OpenSshHost.ACCOUNT);
    }
  }

  @Test
  void aHostCertificateBehindAJumpHostIsCheckedAgainstTheNameOfTheHostNotTheForwardsLoopback() throws Exception {
    assumeTrue(OpenSshHost.unavailable().isEmpty(), () -> OpenSshHost.unavailable().orElse(""));
    Path hostCa = keygen("host_ca");
    Path userCa = keygen("user_ca");
    Path user = keygen("id_user");
    OpenSshHost.exec("ssh-keygen", "-q", "-s", userCa.toString(), "-I", "tester", "-n", OpenSshHost.ACCOUNT, user + ".pub");
    java.security.PublicKey plain = org.apache.sshd.common.config.keys.PublicKeyEntry.parsePublicKeyEntry(
        Files.readString(tmp.resolve("id_user.pub")).strip()).resolvePublicKey(null, null, null);
    // the host behind, named localhost: the jump host connects to that name
    try (OpenSshHost behind = start(hostCa, "localhost", userCa); OpenSshHost jump = OpenSshHost.start(List.of(plain))) {
      assertThat(confide("host", "add", "faye", "--ssh", OpenSshHost.ACCOUNT + "@localhost:" + behind.port(), "--identity",
          user.toString(), "--jump", OpenSshHost.ACCOUNT + "@127.0.0.1:" + jump.port()).code()).isZero();
      Files.writeString(tmp.resolve("config/known_hosts"), "@cert-authority [localhost]:" + behind.port() + " "
          + Files.readString(hostCa.resolveSibling("host_ca.pub")) + "[127.0.0.1]:" + jump.port() + " "
          + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(jump.hostKey()) + "\n");
      CliRun checked = confide("host", "check", "faye", "--json");
      assertThat(checked.code()).as(checked.err() + behind.log()).isZero();
      assertThat(behind.log()).contains("Accepted publickey for " + OpenSshHost.ACCOUNT).contains("ID tester");
    }
  }

  @Test
  void aHostCertificateForAnotherNameIsRefused() throws Exception {
    assumeTrue(OpenSshHost.unavailable().isEmpty(), () -> OpenSshHost.unavailable().orElse(""));
    Path hostCa = keygen("host_ca");
    Path userCa = keygen("user_ca");
    Path user = keygen("id_user");
    OpenSshHost.exec("ssh-keygen", "-q", "-s", userCa.toString(), "-I", "tester", "-n", OpenSshHost.ACCOUNT, user + ".pub");
    try (OpenSshHost sshd = start(hostCa, "faye.example", userCa)) {
      assertThat(confide("host", "add", "faye", "--ssh", OpenSshHost.ACCOUNT + "@127.0.0.1:" + sshd.port(), "--identity",
          user.toString()).code()).isZero();
      Files.writeString(tmp.resolve("config/known_hosts"), "@cert-authority [127.0.0.1]:" + sshd.port() + " "
          + Files.readString(hostCa.resolveSibling("host_ca.pub")));
      CliRun refused = confide("host", "check", "faye");
      assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCodes.DENIED);
      assertThat(refused.err()).contains("the host certificate of faye (" + OpenSshHost.ACCOUNT + "@127.0.0.1:" + sshd.port()
          + ") does not hold: invalid principal 127.0.0.1 for key ID=test-host - allowed=[faye.example]");
    }
  }
}
