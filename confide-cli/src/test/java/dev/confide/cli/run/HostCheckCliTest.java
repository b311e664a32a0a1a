package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.testing.TestSshHost;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide host check NAME} against MINA SSHD's server on loopback (running the check's
 * commands with this machine's shell): the host key confirmed once and then known, the login by
 * key only, and each failure with its line and exit code.
 */
class HostCheckCliTest {
  @TempDir Path tmp;
  private TestSshHost server;
  private KeyPair hostKey;
  private KeyPair userKey;

  private static KeyPair ecKey() throws Exception {
    return TestSshHost.ecKey();
  }

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  private Path keyFile(String name, KeyPair pair) throws Exception {
    return TestSshHost.writeKey(tmp.resolve(name), pair);
  }

  @BeforeEach
  void start() throws Exception {
    userKey = ecKey();
    server = TestSshHost.start(userKey);
    hostKey = server.hostKey();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private void add(String name, KeyPair key, int port) throws Exception {
    CliRun added = confide("host", "add", name, "--ssh", "tester@127.0.0.1:" + port, "--identity", keyFile(name + "-key", key).toString());
    assertThat(added.code()).as(added.err()).isZero();
  }

  @Test
  void anUnknownHostKeyIsRefusedUntilConfirmedThenTheHostIsKnownAndAnswers() throws Exception {
    add("faye", userKey, server.port());
    String fingerprint = KeyUtils.getFingerPrint(hostKey.getPublic());
    CliRun unknown = confide("host", "check", "faye");
    assertThat(unknown.code()).as(unknown.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(unknown.err()).contains("the authenticity of [127.0.0.1]:" + server.port() + " cannot be established")
        .contains(fingerprint).contains("--host-key " + fingerprint).doesNotContain("Exception");
    assertThat(tmp.resolve("config/known_hosts")).doesNotExist();

    CliRun confirmed = confide("host", "check", "faye", "--host-key", fingerprint, "--json");
    assertThat(confirmed.code()).as(confirmed.err()).isZero();
    JsonNode report = confirmed.json();
    assertThat(report.get("system").asText()).startsWith("Linux ");
    assertThat(report.get("bubblewrap").asText()).endsWith("/bwrap");
    assertThat(report.get("runtime").asText()).isEqualTo("not installed");
    assertThat(report.get("evidence").asText()).startsWith("sim");
    // Debian's Blender there, asked itself: Cycles on the CPU, no denoiser
    assertThat(report.get("blender").asText()).matches("\\d+\\.\\d+\\.\\d+; engines .*CYCLES.*; Cycles devices .*CPU.*; .*")
        .contains("no denoiser (built without OpenImageDenoise: render denoised scenes with --no-denoise)");
    assertThat(Files.readString(tmp.resolve("config/known_hosts"))).startsWith("|1|");

    CliRun known = confide("host", "check", "faye");
    assertThat(known.code()).as(known.err()).isZero();
  }

  @Test
  void aHostWithoutBlenderSaysSoAndThisMachineIsCheckedTheSameWayWithoutSsh() throws Exception {
    add("faye", userKey, server.port());
    String fingerprint = KeyUtils.getFingerPrint(hostKey.getPublic());
    // the host's PATH: every program of /usr/bin but blender
    Path bin = Files.createDirectories(tmp.resolve("host-bin"));
    try (var programs = Files.list(Path.of("/usr/bin"))) {
      for (Path p : programs.toList()) {
        if (!p.getFileName().toString().equals("blender")) {
          Files.createSymbolicLink(bin.resolve(p.getFileName()), p);
        }
      }
    }
    server.commandPath(bin);
    CliRun remote = confide("host", "check", "faye", "--host-key", fingerprint, "--json");
    assertThat(remote.code()).as(remote.err()).isZero();
    assertThat(remote.json().get("blender").asText()).isEqualTo("not installed (the Debian package blender, for --application blender)");

    CliRun local = confide("host", "check", "local", "--json");
    assertThat(local.code()).as(local.err()).isZero();
    assertThat(local.json().get("runtime").asText()).endsWith("(this Confide's own)");
    assertThat(local.json().get("bubblewrap").asText()).endsWith("/bwrap");
    assertThat(local.json().get("blender").asText()).contains("CYCLES").contains("Cycles devices");
    CliRun confirmLocal = confide("host", "check", "local", "--confirm", "python");
    assertThat(confirmLocal.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(confirmLocal.err()).contains("--confirm and --host-key are for remote hosts");
  }

  @Test
  void aChangedHostKeyALoginRefusedAndAHostThatIsNotThereEachSayWhat() throws Exception {
    add("faye", userKey, server.port());
    KeyPair old = ecKey();
    Files.createDirectories(tmp.resolve("config"));
    Files.writeString(tmp.resolve("config/known_hosts"), server.knownHostsLine(null, old.getPublic()));
    CliRun changed = confide("host", "check", "faye", "--host-key", KeyUtils.getFingerPrint(hostKey.getPublic()));
    assertThat(changed.code()).as(changed.err()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(changed.err()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED").contains("ssh-keygen -R");

    Files.delete(tmp.resolve("config/known_hosts")); // the stale entry out of the way: next, a login the host refuses
    add("stranger", ecKey(), server.port());
    CliRun refused = confide("host", "check", "stranger", "--host-key", KeyUtils.getFingerPrint(hostKey.getPublic()));
    assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(refused.err()).contains("stranger (tester@127.0.0.1:" + server.port()
        + ") refused the login as tester with the key " + tmp.resolve("stranger-key"));

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    add("gone", userKey, closed);
    CliRun unreachable = confide("host", "check", "gone");
    assertThat(unreachable.code()).as(unreachable.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(unreachable.err()).contains("cannot connect to gone (tester@127.0.0.1:" + closed + "): connection refused");

    assertThat(confide("host", "add", "nowhere", "--ssh", "tester@nosuchhost.invalid").code()).isZero();
    CliRun unresolved = confide("host", "check", "nowhere");
    assertThat(unresolved.code()).as(unresolved.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(unresolved.err()).contains("cannot resolve the host name nosuchhost.invalid of nowhere").doesNotContain("Exception");

    CliRun none = confide("host", "check", "nobody");
    assertThat(none.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(none.err()).contains("no host named nobody was added");
  }

  @Test
  void theRuntimeIsInstalledOnceCheckedThereAndInstalledAgainWhenDamaged() throws Exception {
    Path remote = tmp.resolve("remote-home/.confide");
    CliRun added = confide("host", "add", "faye", "--ssh", "tester@127.0.0.1:" + server.port(), "--identity",
        keyFile("faye-key", userKey).toString(), "--remote-dir", remote.toString());
    assertThat(added.code()).as(added.err()).isZero();
    String fingerprint = KeyUtils.getFingerPrint(hostKey.getPublic());

    CliRun first = confide("host", "install", "faye", "--host-key", fingerprint, "--json");
    assertThat(first.code()).as(first.err()).isZero();
    JsonNode r = first.json();
    String id = r.get("id").asText();
    assertThat(id).hasSize(16);
    assertThat(r.get("uploaded_bytes").asLong()).isPositive();
    Path installed = remote.resolve("runtime").resolve(id);
    assertThat(installed.resolve("lib/confide-runtime.jar")).isRegularFile();
    assertThat(installed.resolve("bin/confide-runtime")).isExecutable();
    assertThat(Files.readString(remote.resolve("runtime/VERSION")).strip()).isEqualTo(id + " " + r.get("version").asText());
    try (var partials = Files.list(remote.resolve("runtime"))) {
      assertThat(partials.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".partial-"));
    }
    Process version = new ProcessBuilder(installed.resolve("bin/confide-runtime").toString(), "--version")
        .redirectErrorStream(true).start();
    assertThat(new String(version.getInputStream().readAllBytes())).contains("confide-runtime");
    assertThat(version.waitFor()).isZero();
    assertThat(confide("host", "check", "faye", "--json").json().get("runtime").asText()).startsWith(id + " ");

    CliRun again = confide("host", "install", "faye", "--json");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.json().get("uploaded_bytes").asLong()).isZero();
    assertThat(confide("host", "install", "faye").out()).contains("installed on faye already, intact");

    Files.writeString(installed.resolve("jvm.args"), "-XX:+SomethingTheHostAdded\n", java.nio.file.StandardOpenOption.APPEND);
    CliRun repaired = confide("host", "install", "faye", "--json");
    assertThat(repaired.code()).as(repaired.err()).isZero();
    assertThat(repaired.json().get("uploaded_bytes").asLong()).as("a damaged runtime is installed again").isPositive();
    assertThat(Files.readString(installed.resolve("jvm.args"))).doesNotContain("SomethingTheHostAdded");
  }

  @Test
  void aHostBehindAJumpHostIsReachedThroughItEachHostKeyCheckedAndAJumpHostThatIsNotThereSaysSo() throws Exception {
    try (TestSshHost jump = TestSshHost.start(userKey)) {
      Path key = keyFile("faye-key", userKey);
      CliRun added = confide("host", "add", "faye", "--ssh", "tester@127.0.0.1:" + server.port(), "--identity", key.toString(),
          "--jump", "tester@127.0.0.1:" + jump.port(), "--json");
      assertThat(added.code()).as(added.err()).isZero();
      assertThat(added.json().get("jump").asText()).isEqualTo("tester@127.0.0.1:" + jump.port());

      // the jump host's key is checked first, as the host's is
      CliRun unknown = confide("host", "check", "faye");
      assertThat(unknown.code()).as(unknown.err()).isEqualTo(ExitCodes.DENIED);
      assertThat(unknown.err()).contains("the authenticity of [127.0.0.1]:" + jump.port() + " cannot be established")
          .contains(KeyUtils.getFingerPrint(jump.hostKey().getPublic()));
      assertThat(jump.forwardedTo()).isEmpty();

      Files.createDirectories(tmp.resolve("config"));
      Files.writeString(tmp.resolve("config/known_hosts"), jump.knownHostsLine(null, jump.hostKey().getPublic())
          + server.knownHostsLine(null, hostKey.getPublic()));
      CliRun checked = confide("host", "check", "faye", "--json");
      assertThat(checked.code()).as(checked.err()).isZero();
      assertThat(checked.json().get("system").asText()).startsWith("Linux ");
      assertThat(jump.forwardedTo()).as("the host was reached through the jump host").contains("127.0.0.1:" + server.port());

      // the host's own key is checked against its own name, not the jump host's forward
      Files.writeString(tmp.resolve("config/known_hosts"), jump.knownHostsLine(null, jump.hostKey().getPublic())
          + server.knownHostsLine(null, ecKey().getPublic()));
      CliRun changed = confide("host", "check", "faye");
      assertThat(changed.code()).as(changed.err()).isEqualTo(ExitCodes.INTEGRITY);
      assertThat(changed.err()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED: [127.0.0.1]:" + server.port());
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(confide("host", "add", "faye", "--ssh", "tester@127.0.0.1:" + server.port(), "--jump", "hop@127.0.0.1:" + closed,
        "--force").code()).isZero();
    CliRun gone = confide("host", "check", "faye");
    assertThat(gone.code()).as(gone.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(gone.err()).contains("cannot connect to jump host hop@127.0.0.1:" + closed + ": connection refused");
  }

  @Test
  void aHostThatAcceptsTheConnectionAndNeverAnswersIsGivenUpAfterItsConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      // it accepts (the kernel's backlog) and says nothing: no SSH version line ever comes
      CliRun added = confide("host", "add", "mute", "--ssh", "tester@127.0.0.1:" + silent.getLocalPort(), "--connect-timeout",
          "2", "--json");
      assertThat(added.code()).as(added.err()).isZero();
      CliRun r = confide("host", "check", "mute");
      assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(r.err()).contains("no answer from mute (tester@127.0.0.1:" + silent.getLocalPort() + ") within 2 s");
    }
    CliRun bad = confide("host", "add", "x", "--ssh", "a@b", "--connect-timeout", "0");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("a timeout or interval is 1 to 3600 seconds");
  }

  @Test
  void theSshConfigsKnownHostsFileAliasAndAcceptNewAreFollowedAndAChangedKeyIsStillRefused() throws Exception {
    Path key = keyFile("faye-key", userKey);
    Path userKnown = tmp.resolve("user_known");
    Path config = tmp.resolve("ssh_config");
    Files.writeString(config, """
        Host faye
          HostName 127.0.0.1
          Port %d
          User tester
          IdentityFile %s
          HostKeyAlias faye-render
          UserKnownHostsFile %s
          StrictHostKeyChecking accept-new

        Host strict
          HostName 127.0.0.1
          Port %d
          User tester
          IdentityFile %s
          HostKeyAlias strict-render
          UserKnownHostsFile %s
          StrictHostKeyChecking yes
        """.formatted(server.port(), key, userKnown, server.port(), key, userKnown));
    assertThat(confide("host", "add", "faye", "--ssh-config", config.toString()).code()).isZero();
    assertThat(confide("host", "add", "strict", "--ssh-config", config.toString()).code()).isZero();

    // accept-new: the unknown key is taken and recorded, hashed, under the alias
    CliRun first = confide("host", "check", "faye");
    assertThat(first.code()).as(first.err()).isZero();
    boolean filedUnderAlias = false;
    for (var e : org.apache.sshd.client.config.hosts.KnownHostEntry.readKnownHostEntries(tmp.resolve("config/known_hosts"))) {
      filedUnderAlias |= e.isHostMatch("faye-render", 22);
      assertThat(e.isHostMatch("127.0.0.1", server.port())).as("filed under the alias, not the address").isFalse();
    }
    assertThat(filedUnderAlias).isTrue();
    assertThat(confide("host", "check", "faye").code()).isZero();

    // yes: an unknown key is refused, with no question; the user's known-hosts file names it under its alias
    CliRun unknown = confide("host", "check", "strict");
    assertThat(unknown.code()).as(unknown.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(unknown.err()).contains("the authenticity of strict-render cannot be established");
    Files.writeString(userKnown, "strict-render " + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(hostKey.getPublic())
        + "\n");
    assertThat(confide("host", "check", "strict").code()).isZero();

    // a changed key is refused whatever accept-new says
    Files.writeString(userKnown, "faye-render " + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(ecKey().getPublic())
        + "\n");
    Files.delete(tmp.resolve("config/known_hosts"));
    CliRun changed = confide("host", "check", "faye");
    assertThat(changed.code()).as(changed.err()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(changed.err()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED: faye-render");
  }

  @Test
  void aProxyCommandCarriesTheConnectionAsSshRunsIt() throws Exception {
    try (TestSshHost jump = TestSshHost.start(userKey)) {
      Path key = keyFile("faye-key", userKey);
      Path jumpKnown = tmp.resolve("jump_known");
      Files.writeString(jumpKnown, jump.knownHostsLine(null, jump.hostKey().getPublic()));
      Path config = tmp.resolve("ssh_config");
      // Debian's own ssh client, as ProxyCommand: it opens the stream through the jump host (-W)
      Files.writeString(config, """
          Host faye
            HostName 127.0.0.1
            Port %d
            User tester
            IdentityFile %s
            ProxyCommand ssh -q -W %%h:%%p -i %s -p %d -o BatchMode=yes -o UserKnownHostsFile=%s tester@127.0.0.1
          """.formatted(server.port(), key, key, jump.port(), jumpKnown));
      CliRun added = confide("host", "add", "faye", "--ssh-config", config.toString(), "--json");
      assertThat(added.code()).as(added.err()).isZero();
      assertThat(added.json().get("proxy_command").asText()).startsWith("ssh -q -W %h:%p");
      Files.writeString(tmp.resolve("config/known_hosts"), server.knownHostsLine(null, hostKey.getPublic()));
      CliRun checked = confide("host", "check", "faye", "--json");
      assertThat(checked.code()).as(checked.err()).isZero();
      assertThat(jump.forwardedTo()).as("the connection went through the ProxyCommand's jump").contains("127.0.0.1:" + server.port());
    }
    // a ProxyCommand that fails says why, in its own words
    Path config = tmp.resolve("ssh_config_broken");
    Files.writeString(config, "Host broken\n  HostName 127.0.0.1\n  ProxyCommand sh -c 'echo no route to the bastion >&2; exit 1'\n");
    assertThat(confide("host", "add", "broken", "--ssh-config", config.toString()).code()).isZero();
    CliRun broken = confide("host", "check", "broken");
    assertThat(broken.code()).as(broken.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(broken.err()).contains("through its ProxyCommand: it said 'no route to the bastion'");
  }
}
