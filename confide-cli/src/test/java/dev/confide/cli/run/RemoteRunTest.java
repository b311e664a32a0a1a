package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.testing.TestSshHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide run --host faye} against MINA SSHD's server on loopback: the runtime installed
 * there, the program's measurement confirmed once, ciphertext only on the host, the CAS reached
 * through the SSH connection, the run directory gone afterwards.
 */
class RemoteRunTest {
  static final Path EXAMPLES = RunApplicationTest.EXAMPLES;

  @TempDir Path tmp;
  private TestSshHost server;
  private Path remote;
  private String fingerprint;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  @BeforeEach
  void start() throws Exception {
    KeyPair userKey = TestSshHost.ecKey();
    server = TestSshHost.start(userKey);
    fingerprint = KeyUtils.getFingerPrint(server.hostKey().getPublic());
    remote = tmp.resolve("remote-home/.confide");
    CliRun added = confide("host", "add", "faye", "--ssh", "tester@127.0.0.1:" + server.port(), "--identity",
        TestSshHost.writeKey(tmp.resolve("faye-key"), userKey).toString(), "--remote-dir", remote.toString());
    assertThat(added.code()).as(added.err()).isZero();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void runsThePythonExampleOnTheRemoteHostOnceItsProgramIsConfirmed() throws Exception {
    Path out = tmp.resolve("out");
    CliRun unconfirmed = confide("run", "--host", "faye", "--host-key", fingerprint, "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString());
    assertThat(unconfirmed.code()).as(unconfirmed.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(unconfirmed.err()).contains("nobody confirmed the program faye runs python as (/usr/bin/python3")
        .contains("confide host check faye --confirm python");
    assertThat(out).doesNotExist();
    assertThat(remote.resolve("runs")).isEmptyDirectory();

    CliRun confirmed = confide("host", "check", "faye", "--confirm", "python", "--json");
    assertThat(confirmed.code()).as(confirmed.err()).isZero();

    CliRun r = confide("run", "--host", "faye", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", out.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out.resolve("report.txt"))).startsWith("120 measurements from 4 sites");
    JsonNode json = r.json();
    assertThat(json.get("host").asText()).isEqualTo("faye");
    assertThat(json.get("protection").asText()).isEqualTo("simulated attestation: the host's owner can read and change this run");
    assertThat(remote.resolve("runs")).as("the run's directory is removed").isEmptyDirectory();
  }
}
