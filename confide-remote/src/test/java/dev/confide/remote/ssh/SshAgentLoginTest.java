package dev.confide.remote.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.remote.JobException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
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
  private SshServer server;
  private KeyPair hostKey;
  private KeyPair userKey;
  private Path socket;
  private String agentPid;

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

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
    hostKey = ecKey();
    userKey = ecKey();
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator((user, key, session) -> Arrays.equals(key.getEncoded(), userKey.getPublic().getEncoded()));
    server.setCommandFactory(new ProcessShellCommandFactory());
    server.start();
    socket = tmp.resolve("agent.sock");
    // the parent returns once the socket is bound; it prints the agent's pid
    Matcher pid = Pattern.compile("SSH_AGENT_PID=(\\d+)").matcher(run(List.of("ssh-agent", "-s", "-a", socket.toString()), null));
    assertThat(pid.find()).isTrue();
    agentPid = pid.group(1);
  }

  @AfterEach
  void stop() throws Exception {
    server.stop(true);
    if (agentPid != null) {
      new ProcessBuilder("kill", agentPid).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private HostProfile profile() {
    return new HostProfile("faye", new SshAddress("tester", "127.0.0.1", server.getPort()), null, ".confide");
  }

  private List<Path> knownHosts() throws Exception {
    Path known = tmp.resolve("known_hosts");
    Files.writeString(known, org.apache.sshd.common.config.keys.PublicKeyEntry.appendPublicKeyEntry(
        new StringBuilder("[127.0.0.1]:" + server.getPort() + " "), hostKey.getPublic()).append('\n').toString());
    return List.of(known);
  }

  @Test
  void aKeyInTheAgentLogsInAndAnEmptyAgentDoesNot() throws Exception {
    assertThatThrownBy(() -> SshConnection.open(profile(), knownHosts(), UnknownHostKeys.REFUSE, socket).close())
        .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.error()).isEqualTo("login_refused"));

    Path keyFile = tmp.resolve("id_ecdsa");
    try (OutputStream out = Files.newOutputStream(keyFile)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "agent-test", null, out);
    }
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    run(List.of("ssh-add", keyFile.toString()), socket);
    assertThat(run(List.of("ssh-add", "-l"), socket)).contains(KeyUtils.getFingerPrint(userKey.getPublic()));
    Files.delete(keyFile); // only the agent holds the key now

    try (SshConnection ssh = SshConnection.open(profile(), knownHosts(), UnknownHostKeys.REFUSE, socket)) {
      assertThat(ssh.run("echo logged-in-by-agent").strip()).isEqualTo("logged-in-by-agent");
    }
  }
}
