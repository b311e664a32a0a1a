package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cas.client.CasClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCONE's {@code kind: pgp-key}: the CAS makes OpenPGP keys that GnuPG, the reference
 * implementation, imports and uses (sign, verify, encrypt, decrypt), with the user ID, algorithm and
 * expiry the session asks for; {@code export_public} makes the public key alone public.
 */
class PgpKeyTest {
  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient anyone;

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
    alice = cas.client(cas.alice);
    anyone = cas.client(null);
    alice.createSession("""
        name: signing
        secrets:
          - {name: release, kind: pgp-key, common_name: 'Release Bot <release@example.org>', export_public: true}
          - {name: legacy, kind: pgp-key, key_type: RSA-2048, valid_for: 30d}
        """);
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    anyone.close();
    cas.close();
  }

  /** Runs gpg with a home of {@code home}'s own; its standard output. */
  private static String gpg(Path home, byte[] input, String... args) throws IOException, InterruptedException {
    Files.createDirectories(home);
    Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty",
        "--pinentry-mode", "loopback", "--passphrase", "", "--trust-model", "always"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(home.resolve("stderr").toFile()).start();
    try (var in = p.getOutputStream()) {
      in.write(input);
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", args) + ": " + Files.readString(home.resolve("stderr"))).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void gnupgImportsTheKeysAndSignsVerifiesEncryptsAndDecryptsWithThem() throws Exception {
    String release = new String(cas.server.service().secretValues("signing", "test").get("release"), StandardCharsets.US_ASCII);
    assertThat(release).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----").contains("-----BEGIN PGP PRIVATE KEY BLOCK-----");
    Path home = tmp.resolve("gpg");
    gpg(home, release.getBytes(StandardCharsets.US_ASCII), "--import");
    String listed = gpg(home, new byte[0], "--with-colons", "--list-secret-keys");
    // sec: Ed25519 (EdDSA, algorithm 22), ssb: X25519 (ECDH, 18), the user ID the session gave, no expiry
    assertThat(listed).containsPattern("(?m)^sec:[^:]*:255:22:[0-9A-F]{16}:[0-9]+::").containsPattern("(?m)^ssb:[^:]*:255:18:")
        .contains("Release Bot <release@example.org>");
    byte[] message = "render 0042 is the customer's".getBytes(StandardCharsets.UTF_8);
    Files.write(tmp.resolve("message"), message);
    gpg(home, new byte[0], "--local-user", "release@example.org", "--detach-sign", "--output", tmp.resolve("message.sig").toString(),
        tmp.resolve("message").toString());
    gpg(home, new byte[0], "--verify", tmp.resolve("message.sig").toString(), tmp.resolve("message").toString());
    gpg(home, message, "--recipient", "release@example.org", "--encrypt", "--output", tmp.resolve("message.gpg").toString());
    assertThat(gpg(home, new byte[0], "--decrypt", tmp.resolve("message.gpg").toString())).isEqualTo(new String(message, StandardCharsets.UTF_8));

    String legacy = new String(cas.server.service().secretValues("signing", "test").get("legacy"), StandardCharsets.US_ASCII);
    Path other = tmp.resolve("gpg-rsa");
    gpg(other, legacy.getBytes(StandardCharsets.US_ASCII), "--import");
    String rsa = gpg(other, new byte[0], "--with-colons", "--list-secret-keys");
    // RSA (1) of 2048 bits, the secret's name as user ID, and an expiry 30 days after creation
    assertThat(rsa).containsPattern("(?m)^sec:[^:]*:2048:1:").containsPattern("(?m)^ssb:[^:]*:2048:1:").contains(":legacy:");
    String[] sec = rsa.lines().filter(l -> l.startsWith("sec:")).findFirst().orElseThrow().split(":");
    assertThat(Long.parseLong(sec[6]) - Long.parseLong(sec[5])).isEqualTo(30L * 24 * 3600);
  }

  @Test
  void thePublicKeyAloneIsPublicAndGnupgFindsNoSecretInIt() throws Exception {
    var values = anyone.publicValues("signing");
    assertThat(values.values()).containsOnlyKeys("release");
    String published = values.values().get("release").value();
    assertThat(values.values().get("release").kind()).isEqualTo("pgp-key");
    assertThat(published).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----").doesNotContain("PRIVATE");
    Path home = tmp.resolve("gpg-public");
    gpg(home, published.getBytes(StandardCharsets.US_ASCII), "--import");
    assertThat(gpg(home, new byte[0], "--with-colons", "--list-keys")).contains("Release Bot <release@example.org>");
    assertThat(gpg(home, new byte[0], "--with-colons", "--list-secret-keys")).isEmpty();
    // a session importing it gets the public key alone too
    alice.createSession("name: verifier\nsecrets: [{name: trusted, import: {session: signing, secret: release}}]\n");
    assertThat(new String(cas.server.service().secretValues("verifier", "test").get("trusted"), StandardCharsets.US_ASCII))
        .isEqualTo(published);
  }
}
