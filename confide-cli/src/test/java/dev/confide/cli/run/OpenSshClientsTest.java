package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.testing.ChildCli;
import dev.confide.testing.OpenSshHost;
import dev.confide.testing.TestSshHost;
import dev.confide.testing.TreeCopies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients of Debian's real OpenSSH {@code sshd} as users are: a passphrase typed at a real
 * pseudo-terminal, and two local accounts running at once against one host account.
 */
class OpenSshClientsTest {
  /** The second local account, a client like the test's own. */
  static final String OTHER = "confide-client";

  @TempDir Path tmp;
  private String remoteDir;

  @BeforeEach
  void check() {
    assumeTrue(OpenSshHost.unavailable().isEmpty(), () -> OpenSshHost.unavailable().orElse(""));
    remoteDir = ".confide-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void removeRemoteDir() throws Exception {
    if (remoteDir != null) {
      TreeCopies.remove(OpenSshHost.home().resolve(remoteDir));
    }
  }

  private ConfideDirs dirs() {
    return new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
  }

  private void trust(Path config, OpenSshHost sshd) throws Exception {
    Files.createDirectories(config);
    Files.writeString(config.resolve("known_hosts"), "[127.0.0.1]:" + sshd.port() + " " + PublicKeyEntry.toString(sshd.hostKey())
        + "\n");
  }

  @Test
  void aProtectedKeysPassphraseIsAskedForAtARealTerminalThreeTimesAtMostAndNeverEchoed() throws Exception {
    Path key = tmp.resolve("protected");
    OpenSshHost.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "correct horse", "-C", "", "-f", key.toString());
    PublicKey pub = PublicKeyEntry.parsePublicKeyEntry(Files.readString(tmp.resolve("protected.pub")).strip())
        .resolvePublicKey(null, null, null);
    try (OpenSshHost sshd = OpenSshHost.start(List.of(pub))) {
      CliRun added = CliRun.of(dirs(), "host", "add", "faye", "--ssh", OpenSshHost.ACCOUNT + "@127.0.0.1:" + sshd.port(),
          "--identity", key.toString(), "--remote-dir", remoteDir);
      assertThat(added.code()).as(added.err()).isZero();
      trust(tmp.resolve("config"), sshd);
      Map<String, String> env = new HashMap<>(Map.of("CONFIDE_CONFIG_DIR", tmp.resolve("config").toString(), "CONFIDE_DATA_DIR",
          tmp.resolve("data").toString()));
      env.put("SSH_AUTH_SOCK", null); // no agent: the key file itself, so its passphrase
      String prompt = "Enter passphrase for key '" + key + "': ";
      List<String> check = ChildCli.atTerminal(ChildCli.javaCommand(ChildCli.testClassPath(), Map.of("confide.home",
          System.getProperty("confide.home")), List.of("host", "check", "faye")));

      try (ChildCli typed = ChildCli.start(check, env)) {
        assertThat(typed.awaitText(prompt, Duration.ofMinutes(2))).as(typed.said()).isTrue();
        typed.type("wrong horse\n");
        assertThat(typed.awaitText(prompt, 2, Duration.ofMinutes(1))).as(typed.said()).isTrue();
        typed.type("correct horse\n");
        assertThat(typed.await(Duration.ofMinutes(2))).as(typed.said()).isZero();
        assertThat(typed.said()).contains("Host faye (").contains("bubblewrap").doesNotContain("horse");
      }
      assertThat(sshd.log()).contains("Accepted publickey for " + OpenSshHost.ACCOUNT);

      try (ChildCli wrong = ChildCli.start(check, env)) {
        for (int i = 1; i <= 3; i++) {
          assertThat(wrong.awaitText(prompt, i, Duration.ofMinutes(2))).as(wrong.said()).isTrue();
          wrong.type("wrong horse " + i + "\n");
        }
        assertThat(wrong.await(Duration.ofMinutes(2))).as(wrong.said()).isEqualTo(ExitCodes.DENIED);
        assertThat(wrong.said()).contains("the passphrase given for the identity file " + key + " was wrong (3 tries)")
            .doesNotContain("horse");
      }
    }
  }

  @Test
  void twoLocalAccountsRunAtOnceAgainstOneHostAccountAndNeitherTouchesTheOthersRun() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
    if (exit("id", "-u", OTHER) != 0) {
      OpenSshHost.exec("useradd", "--create-home", "--shell", "/bin/sh", OTHER);
    }
    int uid = Integer.parseInt(output("id", "-u", OTHER));
    int gid = Integer.parseInt(output("id", "-g", OTHER));
    KeyPair mine = TestSshHost.ecKey();
    KeyPair theirs = TestSshHost.ecKey();
    try (OpenSshHost sshd = OpenSshHost.start(List.of(mine.getPublic(), theirs.getPublic()))) {
      // this account: a run whose program runs until it is stopped
      CliRun added = CliRun.of(dirs(), "host", "add", "faye", "--ssh", OpenSshHost.ACCOUNT + "@127.0.0.1:" + sshd.port(),
          "--identity", TestSshHost.writeKey(tmp.resolve("mine"), mine).toString(), "--remote-dir", remoteDir);
      assertThat(added.code()).as(added.err()).isZero();
      trust(tmp.resolve("config"), sshd);
      StreamedRun.addStreamer(tmp.resolve("config"));
      CliRun confirmed = CliRun.of(dirs(), "host", "check", "faye", "--confirm", "streamer");
      assertThat(confirmed.code()).as(confirmed.err()).isZero();
      Path inputs = Files.createDirectories(tmp.resolve("inputs"));
      Files.writeString(inputs.resolve("main.py"), "import time\nprint('started', flush=True)\ntime.sleep(600)\n");
      StreamedRun running = new StreamedRun(dirs(), "started", "run", "--host", "faye", "--application", "streamer",
          "--stream-output", "--inputs", inputs.toString(), "--outputs", tmp.resolve("out").toString());
      try {
        assertThat(running.awaitOutput()).as(running.said()).isTrue();
        Path runs = OpenSshHost.home().resolve(remoteDir).resolve("runs");
        List<Path> mineOnHost;
        try (var listed = Files.list(runs)) {
          mineOnHost = listed.toList();
        }
        assertThat(mineOnHost).hasSize(1);

        // the other account, meanwhile: its own keys, folders and known hosts, the same host account
        Path other = Files.createTempDirectory(Path.of("/tmp"), "confide-client-");
        try {
          Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwxr-xr-x"));
          String cp = ChildCli.readableClassPath(other.resolve("cp"));
          Path dist = TreeCopies.copy(ThisRuntime.distribution().home(), other.resolve("dist"));
          Path home = TreeCopies.copy(Path.of(System.getProperty("confide.home"), "examples"), other.resolve("home/examples"));
          Path theirInputs = TreeCopies.copy(RunApplicationTest.EXAMPLES.resolve("python/stats"), other.resolve("inputs"));
          ChildCli.readableByAll(dist);
          ChildCli.readableByAll(home);
          ChildCli.readableByAll(theirInputs);
          Path own = Files.createDirectories(other.resolve("own"));
          TestSshHost.writeKey(own.resolve("key"), theirs);
          trust(own.resolve("config"), sshd);
          Files.createDirectories(own.resolve("data"));
          OpenSshHost.exec("chown", "-R", uid + ":" + gid, own.toString());
          Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
          Map<String, String> env = new HashMap<>(Map.of("HOME", "/home/" + OTHER, "CONFIDE_CONFIG_DIR",
              own.resolve("config").toString(), "CONFIDE_DATA_DIR", own.resolve("data").toString()));
          env.put("SSH_AUTH_SOCK", null);
          env.put("XDG_RUNTIME_DIR", null);
          Map<String, String> props = Map.of("confide.home", home.getParent().toString(), "confide.runtime.dist", dist.toString());
          String theirs1 = asOther(uid, gid, cp, props, env, "host", "add", "faye", "--ssh", OpenSshHost.ACCOUNT + "@127.0.0.1:"
              + sshd.port(), "--identity", own.resolve("key").toString(), "--remote-dir", remoteDir);
          assertThat(theirs1).startsWith("0\n");
          assertThat(asOther(uid, gid, cp, props, env, "host", "check", "faye", "--confirm", "python")).startsWith("0\n");
          String ran = asOther(uid, gid, cp, props, env, "run", "--host", "faye", "--application", "python", "--inputs",
              theirInputs.toString(), "--outputs", own.resolve("out").toString());
          assertThat(ran).startsWith("0\n");
          assertThat(Files.readString(own.resolve("out/report.txt"))).startsWith("120 measurements from 4 sites");
          assertThat(Files.getOwner(own.resolve("out/report.txt")).getName()).isEqualTo(OTHER);
          // its runs are its own: it lists none of this account's
          String listed = asOther(uid, gid, cp, props, env, "runs", "list", "--json");
          assertThat(listed).startsWith("0\n").containsPattern("\"runs\"\\s*:\\s*\\[\\s*\\]");
        } finally {
          TreeCopies.remove(other);
        }

        // this account's run went on untouched through the other's run and its sweep
        assertThat(running.running()).isTrue();
        try (var listed = Files.list(runs)) {
          assertThat(listed.toList()).isEqualTo(mineOnHost);
        }
        running.cancel();
        assertThat(running.await()).as(running.said()).isEqualTo(ExitCodes.CANCELLED);
        assertThat(runs).isEmptyDirectory();
      } finally {
        running.cancel();
        running.await();
      }
    }
  }

  /** {@code confide ARGS} as the other account; its exit code, a newline, and what it printed. */
  private static String asOther(int uid, int gid, String cp, Map<String, String> props, Map<String, String> env, String... args)
      throws Exception {
    try (ChildCli child = ChildCli.start(ChildCli.asAccount(uid, gid, ChildCli.javaCommand(cp, props, List.of(args))), env)) {
      int code = child.await(Duration.ofMinutes(3));
      return code + "\n" + child.said();
    }
  }

  private static int exit(String... command) throws Exception {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  private static String output(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
