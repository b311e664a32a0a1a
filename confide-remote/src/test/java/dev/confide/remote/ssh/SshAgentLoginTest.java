package dev.confide.remote.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.remote.JobException;
import dev.confide.testing.TestSshHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in with a key held by a real OpenSSH ssh-agent (Debian's), reached over the JDK's Unix
 * domain sockets: the key file is never read by Confide, and an agent without the key gets no login.
 */
class SshAgentLoginTest {
  @TempDir Path tmp;
  private TestSshHost server;
  private KeyPair userKey;
  private Path socket;
  private String agentPid;

  private static String run(List<String> command, Path agent) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (agent != null) {
      pb.environment().put("SSH_AUTH_SOCK", agent.toString());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  @BeforeEach
  void start() throws Exception {
    userKey = TestSshHost.ecKey();
    server = TestSshHost.start(userKey);
    socket = tmp.resolve("agent.sock");
    // the parent returns once the socket is bound; it prints the agent's pid
    Matcher pid = Pattern.compile("SSH_AGENT_PID=(\\d+)").matcher(run(List.of("ssh-agent", "-s", "-a", socket.toString()), null));
    assertThat(pid.find()).isTrue();
    agentPid = pid.group(1);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    if (agentPid != null) {
      new ProcessBuilder("kill", agentPid).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private HostProfile profile() {
    return new HostProfile("faye", new SshAddress("tester", "127.0.0.1", server.port()), null, ".confide");
  }

  private List<Path> knownHosts() throws Exception {
    Path known = tmp.resolve("known_hosts");
    Files.writeString(known, server.knownHostsLine(null, server.hostKey().getPublic()));
    return List.of(known);
  }

  @Test
  void aKeyInTheAgentLogsInAndAnEmptyAgentDoesNot() throws Exception {
    assertThatThrownBy(() -> SshConnection.open(profile(), knownHosts(), UnknownHostKeys.REFUSE, socket, KeyPassphrases.NONE).close())
        .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.error()).isEqualTo("login_refused"));

    Path keyFile = TestSshHost.writeKey(tmp.resolve("id_ecdsa"), userKey);
    run(List.of("ssh-add", keyFile.toString()), socket);
    assertThat(run(List.of("ssh-add", "-l"), socket)).contains(KeyUtils.getFingerPrint(userKey.getPublic()));
    Files.delete(keyFile); // only the agent holds the key now

    try (SshConnection ssh = SshConnection.open(profile(), knownHosts(), UnknownHostKeys.REFUSE, socket, KeyPassphrases.NONE)) {
      assertThat(ssh.run("echo logged-in-by-agent").strip()).isEqualTo("logged-in-by-agent");
    }
  }

  /**
   * Debian's sshd with MaxAuthTries 3, an agent holding five other keys, the right key in the
   * identity file only: offering the agent's keys first uses up the tries, IdentitiesOnly offers
   * the identity's key alone and gets in.
   */
  @Test
  void identitiesOnlyOffersOnlyTheIdentityWhereTheAgentHoldsMoreKeysThanTheHostAllowsTries() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(dev.confide.testing.OpenSshHost.unavailable().isEmpty());
    for (int i = 0; i < 5; i++) {
      Path other = tmp.resolve("other" + i);
      run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.toString()), null);
      run(List.of("ssh-add", other.toString()), socket);
    }
    Path identity = tmp.resolve("id_host");
    run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", identity.toString()), null);
    java.security.PublicKey own = org.apache.sshd.common.config.keys.PublicKeyEntry.parsePublicKeyEntry(
        Files.readString(tmp.resolve("id_host.pub")).strip()).resolvePublicKey(null, null, null);
    try (dev.confide.testing.OpenSshHost sshd = dev.confide.testing.OpenSshHost.start(List.of(own),
        dir -> List.of("MaxAuthTries 3"))) {
      Path known = tmp.resolve("known_real");
      Files.writeString(known, "[127.0.0.1]:" + sshd.port() + " "
          + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(sshd.hostKey()) + "\n");
      SshAddress address = new SshAddress(dev.confide.testing.OpenSshHost.ACCOUNT, "127.0.0.1", sshd.port());
      HostProfile all = new HostProfile("faye", address, identity, ".confide", List.of(), null);
      assertThatThrownBy(() -> SshConnection.open(all, List.of(known), UnknownHostKeys.REFUSE, socket, KeyPassphrases.NONE)
          .close()).isInstanceOf(JobException.class).hasMessageContaining("refused the login");
      HostProfile only = all.with(new HostProfile.Timing(0, 0, true));
      try (SshConnection ssh = SshConnection.open(only, List.of(known), UnknownHostKeys.REFUSE, socket, KeyPassphrases.NONE)) {
        assertThat(ssh.run("id -un").strip()).isEqualTo(dev.confide.testing.OpenSshHost.ACCOUNT);
      }
    }
  }
}
