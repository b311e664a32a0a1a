package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide host add|list|remove}: remote hosts kept as key paths in a 0600 file, and every bad input refused. */
class HostProfilesCliTest {
  @TempDir Path tmp;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  private Path key(String name, String mode) throws Exception {
    Path key = tmp.resolve(name);
    Files.writeString(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
    return key;
  }

  @Test
  void hostsAreAddedListedReplacedAndRemovedAsKeyPathsInAPrivateFile() throws Exception {
    Path key = key("id_ed25519", "rw-------");
    CliRun added = confide("host", "add", "faye", "--ssh", "render@faye.example:2222", "--identity", key.toString());
    assertThat(added.code()).as(added.err()).isZero();
    Path file = tmp.resolve("config/hosts.toml");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).contains("render@faye.example:2222").contains(key.toString())
        .doesNotContain("not a real key");
    assertThat(confide("host", "add", "v6", "--ssh", "[::1]:22").code()).isZero();

    JsonNode list = confide("host", "list", "--json").json();
    assertThat(list.get("remote")).hasSize(2);
    assertThat(list.get("remote").get(0).get("name").asText()).isEqualTo("faye");
    assertThat(list.get("remote").get(0).get("ssh").asText()).isEqualTo("render@faye.example:2222");
    assertThat(list.get("remote").get(1).get("ssh").asText()).isEqualTo("[::1]");
    assertThat(list.get("remote").get(1).get("remote_dir").asText()).isEqualTo(".confide");

    CliRun again = confide("host", "add", "faye", "--ssh", "other:22");
    assertThat(again.code()).isEqualTo(ExitCodes.CANT_CREATE);
    assertThat(again.err()).contains("a host named faye exists (render@faye.example:2222)").contains("--force");
    assertThat(confide("host", "add", "faye", "--ssh", "other", "--force").code()).isZero();
    assertThat(confide("host", "list").out()).contains("faye").contains("other, key (ssh-agent or defaults)");

    assertThat(confide("host", "remove", "faye").code()).isZero();
    CliRun gone = confide("host", "remove", "faye");
    assertThat(gone.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(gone.err()).contains("no host named faye was added");
    assertThat(confide("host", "list", "--json").json().get("remote")).hasSize(1);
  }

  @Test
  void badNamesAddressesAndKeysAreRefusedBeforeAnythingIsWritten() throws Exception {
    String[][] usage = {
        {"host", "add", "local", "--ssh", "h"},
        {"host", "add", "-bad", "--ssh", "h"},
        {"host", "add", "a/b", "--ssh", "h"},
        {"host", "add", "x", "--ssh", "user@@h"},
        {"host", "add", "x", "--ssh", "h:99999"},
        {"host", "add", "x", "--ssh", "h:0"},
        {"host", "add", "x", "--ssh", "h", "--remote-dir", "../elsewhere"},
    };
    for (String[] args : usage) {
      CliRun r = confide(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).startsWith("confide: ").doesNotContain("Exception");
    }
    CliRun missing = confide("host", "add", "x", "--ssh", "h", "--identity", tmp.resolve("none").toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(missing.err()).contains("the identity file " + tmp.resolve("none") + " does not exist");
    Path loose = key("loose_key", "rw-r--r--");
    CliRun unprotected = confide("host", "add", "x", "--ssh", "h", "--identity", loose.toString());
    assertThat(unprotected.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(unprotected.err()).contains(loose + " is accessible by group or others").contains("chmod go=");
    assertThat(tmp.resolve("config/hosts.toml")).as("nothing written").doesNotExist();
  }

  @Test
  void aHostsFileOthersMayReadIsRefusedWithTheChmodToRun() throws Exception {
    assertThat(confide("host", "add", "faye", "--ssh", "faye").code()).isZero();
    Path file = tmp.resolve("config/hosts.toml");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    CliRun r = confide("host", "list");
    assertThat(r.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(r.err()).contains(file + " is accessible by group or others").contains("chmod go= " + file);
    Files.writeString(file, "[host.faye]\nssh = \"a b c\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    CliRun bad = confide("host", "list");
    assertThat(bad.code()).isEqualTo(ExitCodes.DATA);
    assertThat(bad.err()).contains("host faye in " + file).contains("is not [USER@]HOST[:PORT]");
  }

  @Test
  void aHostIsTakenFromAnSshConfigByNameAndUnsafeOrUnfollowedDirectivesAreSaid() throws Exception {
    Path key = key("id_faye", "rw-------");
    Path config = tmp.resolve("ssh_config");
    Files.writeString(config, """
        Host faye
          HostName faye.example
          Port 2222
          User render
          IdentityFile %s
          HostKeyAlias faye-render
          PreferredAuthentications publickey,password
          IdentityAgent /run/user/1000/other-agent.sock

        Host jumpy
          HostName inner.example
          ProxyJump bastion,ops@gate.example:2200

        Host bastion
          HostName bastion.example
          User hop
          Port 2022

        Host piped
          HostName piped.example
          ProxyCommand nc %%h %%p

        Host careless
          HostName careless.example
          StrictHostKeyChecking no

        Host typed
          HostName typed.example
          PreferredAuthentications keyboard-interactive,password

        Host *
          ServerAliveInterval 30
        """.formatted(key));
    CliRun added = confide("host", "add", "faye", "--ssh-config", config.toString(), "--json");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.json().get("ssh").asText()).isEqualTo("render@faye.example:2222");
    assertThat(added.json().get("identity").asText()).isEqualTo(key.toString());
    assertThat(added.json().get("ignored").asText()).contains("IdentityAgent").doesNotContain("HostKeyAlias")
        .doesNotContain("PreferredAuthentications").contains("not followed yet");

    // a jump that names another block takes its HostName, User and Port, as ssh does
    CliRun jump = confide("host", "add", "jumpy", "--ssh-config", config.toString(), "--json");
    assertThat(jump.code()).as(jump.err()).isZero();
    assertThat(jump.json().get("jump").asText()).isEqualTo("hop@bastion.example:2022,ops@gate.example:2200");
    CliRun piped = confide("host", "add", "piped", "--ssh-config", config.toString(), "--json");
    assertThat(piped.code()).as(piped.err()).isZero();
    assertThat(piped.json().get("proxy_command").asText()).isEqualTo("nc %h %p");
    CliRun badJump = confide("host", "add", "direct", "--ssh", "a@b", "--jump", "x@@y");
    assertThat(badJump.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badJump.err()).contains("--jump 'x@@y' is not [USER@]HOST[:PORT]");
    CliRun careless = confide("host", "add", "careless", "--ssh-config", config.toString());
    assertThat(careless.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(careless.err()).contains("StrictHostKeyChecking no: Confide never accepts an unknown host key silently");
    CliRun typed = confide("host", "add", "typed", "--ssh-config", config.toString());
    assertThat(typed.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(typed.err()).contains("says PreferredAuthentications keyboard-interactive,password: Confide logs in by public key only");
    CliRun unnamed = confide("host", "add", "elsewhere", "--ssh-config", config.toString());
    assertThat(unnamed.code()).as("only the wildcard block matches: not a host the user named").isEqualTo(ExitCodes.NO_INPUT);
    assertThat(unnamed.err()).contains("has no 'Host elsewhere' block");
    CliRun noFile = confide("host", "add", "faye2", "--ssh-config", tmp.resolve("none").toString());
    assertThat(noFile.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(confide("host", "list", "--json").json().get("remote")).hasSize(3);
  }

  @Test
  void includedFilesAndMatchHostSectionsAreReadAndOtherMatchSectionsAreSaidNotFollowed() throws Exception {
    Path key = key("id_faye", "rw-------");
    Path parts = Files.createDirectories(tmp.resolve("config.d"));
    Files.writeString(parts.resolve("10-faye.conf"), """
        Host faye
          HostName faye.example
          IdentityFile %s
        """.formatted(key));
    Files.writeString(parts.resolve("20-other.conf"), "Host other\n  Port 2200\n");
    Path config = tmp.resolve("ssh_config");
    Files.writeString(config, """
        Include %s/*.conf

        Match host faye,render
          User matched
          Port 2222

        Match exec "test -f /etc/vpn"
          ProxyJump bastion
        """.formatted(parts));
    CliRun added = confide("host", "add", "faye", "--ssh-config", config.toString(), "--json");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.json().get("ssh").asText()).isEqualTo("matched@faye.example:2222");
    assertThat(added.json().get("identity").asText()).isEqualTo(key.toString());
    assertThat(added.json().get("jump").asText()).as("the Match exec section is not followed").isEqualTo("none");
    assertThat(added.json().get("ignored").asText()).contains("Match exec \"test -f /etc/vpn\" (" + config + " line 7)");
    assertThat(new dev.confide.remote.ssh.HostProfiles(tmp.resolve("config")).ignored("faye"))
        .as("kept for 'host check' to list again").containsExactly("Match exec \"test -f /etc/vpn\" (" + config + " line 7)");
  }
}
