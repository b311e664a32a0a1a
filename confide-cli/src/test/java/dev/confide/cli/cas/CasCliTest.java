package dev.confide.cli.cas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cas.CasHome;
import dev.confide.cas.CasServer;
import dev.confide.cas.Database;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cas.client.CasClient;
import java.net.URI;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's CAS commands against a real CAS on loopback, as a user types them. */
class CasCliTest {
  @TempDir Path tmp;
  ConfideDirs dirs;
  CasServer cas;
  String userHash;

  record Result(int code, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  Result confide(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), dirs);
    return new Result(code, out.toString(), err.toString());
  }

  @BeforeEach
  void start() throws Exception {
    dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    Result created = confide("identity", "create", "--json");
    assertThat(created.code()).as(created.err()).isZero();
    userHash = created.json().get("key_hash").asText();
    CasHome home = CasHome.open(tmp.resolve("cas"), "127.0.0.1");
    cas = CasServer.start(home, Database.h2Url(home.dir()), new InetSocketAddress("127.0.0.1", 0), Set.of(userHash));
  }

  @AfterEach
  void stop() throws Exception {
    cas.close();
  }

  private void pin() {
    Result r = confide("cas", "add", "local", cas.url(), "--fingerprint", cas.fingerprint());
    assertThat(r.code()).as(r.err()).isZero();
  }

  private Path file(String name, String text) throws Exception {
    return Files.writeString(tmp.resolve(name), text);
  }

  @Test
  void identityIsPrivateAndShowsItsKeyHash() throws Exception {
    Path key = dirs.identity().resolve("key.pem");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dirs.identity()))).isEqualTo("rwx------");
    assertThat(confide("identity", "show").out()).startsWith(userHash);
    assertThat(TlsIdentity.load(dirs.identity()).keyHash()).isEqualTo(userHash);
    Result again = confide("identity", "create");
    assertThat(again.code()).isEqualTo(ExitCodes.CANT_CREATE);
    assertThat(again.err()).contains("an identity already exists").contains("--force");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Result loose = confide("identity", "show");
    assertThat(loose.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(loose.err()).contains("accessible by group or others").contains("chmod go=");
  }

  @Test
  void pinningRefusesUnconfirmedAndWrongKeysAndChecksEveryConnection() throws Exception {
    Result unconfirmed = confide("cas", "add", "local", cas.url());
    assertThat(unconfirmed.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(unconfirmed.err()).contains("presents key " + cas.fingerprint()).contains("nothing was pinned")
        .contains("--fingerprint " + cas.fingerprint());
    assertThat(Files.exists(dirs.config().resolve("cas.toml"))).isFalse();

    String wrong = TlsIdentity.create(tmp.resolve("other"), "other").fingerprint();
    Result mismatch = confide("cas", "add", "local", cas.url(), "--fingerprint", wrong);
    assertThat(mismatch.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(mismatch.err()).contains("presented key " + cas.fingerprint()).contains(wrong + " is pinned");
    assertThat(Files.exists(dirs.config().resolve("cas.toml"))).isFalse();

    pin();
    Path pins = dirs.config().resolve("cas.toml");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pins))).isEqualTo("rw-------");
    assertThat(confide("session", "show", "nothing").code()).isEqualTo(ExitCodes.NO_INPUT);
    // the pinned key changes under the user's feet: like SSH's changed host key, refuse
    Files.writeString(pins, Files.readString(pins).replace(cas.fingerprint(), wrong));
    Result changed = confide("session", "show", "nothing");
    assertThat(changed.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(changed.err()).contains("re-keyed, or someone is in between");
  }

  @Test
  void withoutACasOrIdentityTheUserIsToldWhatToSetUp() throws Exception {
    Result noCas = confide("session", "show", "x");
    assertThat(noCas.code()).isEqualTo(ExitCodes.CONFIG);
    assertThat(noCas.err()).contains("no CAS is pinned").contains("confide cas add");
    pin();
    dirs = new ConfideDirs(dirs.config(), dirs.data());
    Files.delete(dirs.identity().resolve("key.pem"));
    Result noId = confide("session", "show", "x");
    assertThat(noId.code()).isEqualTo(ExitCodes.CONFIG);
    assertThat(noId.err()).contains("confide identity create");
  }

  @Test
  void aSessionsPublicCertificatesArePrintedWithoutTheirKeys() throws Exception {
    pin();
    Path pki = file("pki.yaml", "name: pki\nsecrets:\n  - {name: ca, kind: x509-ca, export_public: true}\n  - {name: t, kind: ascii}\n");
    assertThat(confide("session", "create", pki.toString()).code()).isZero();
    Result values = confide("session", "values", "pki");
    assertThat(values.code()).as(values.err()).isZero();
    assertThat(values.out()).startsWith("# ca (x509-ca) of session pki").contains("-----BEGIN CERTIFICATE-----")
        .doesNotContain("PRIVATE KEY");
    assertThat(confide("session", "values", "pki", "--json").json().get("values").get("ca").get("kind").asText()).isEqualTo("x509-ca");
    Result none = confide("session", "values", "nothing");
    assertThat(none.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(none.err()).contains("session nothing makes no value public");
  }

  @Test
  void creatingOrUpdatingASessionThatKeepsASconeFileShieldSaysItsServiceWillBeRefused() throws Exception {
    pin();
    Path scone = file("scone.yaml", "name: scone\nservices:\n  - {name: app, command: run, fspf_path: /fs.fspf, fspf_key: "
        + "ab".repeat(32) + ", fspf_tag: " + "cd".repeat(16) + "}\n");
    Result created = confide("session", "create", scone.toString());
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out()).startsWith("Created session scone.")
        .contains("note: service 'app': its fspf_tag is a SCONE file shield's (16 bytes): kept, and the CAS refuses to start it");
    Result updated = confide("session", "update", scone.toString(), "--json");
    assertThat(updated.code()).as(updated.err()).isZero();
    assertThat(updated.json().get("notes")).hasSize(1);
  }

  @Test
  void aSessionImportingAConfigFragmentIsCreatedThroughTheCasAndItsHashIsNotGuessedHere() throws Exception {
    pin();
    Path corp = file("corp.yaml", "name: corp\nsecrets:\n  - {name: readers, kind: config-fragment, value: [ANY], export: app}\n");
    assertThat(confide("session", "create", corp.toString()).code()).isZero();
    Path app = file("app.yaml", """
        name: app
        access_policy: {read: [CREATOR, $$SCONE::readers$$]}
        secrets: [{name: readers, import: {session: corp, secret: readers}}]
        """);
    assertThat(confide("session", "lint", app.toString()).code()).isZero();
    Result created = confide("session", "create", app.toString(), "--json");
    assertThat(created.code()).as(created.err()).isZero();
    Result hash = confide("session", "hash", app.toString());
    assertThat(hash.code()).isEqualTo(ExitCodes.DATA);
    assertThat(hash.err()).contains("imports config-fragment readers of session corp into its policy")
        .contains("confide session show app").doesNotContain("Exception");
    assertThat(confide("session", "show", "app").out()).contains(created.json().get("hash").asText());
  }

  @Test
  void sessionLifecycleThroughTheCli() throws Exception {
    pin();
    Path ns = file("ns.yaml", "name: $NS\n");
    Result unfilled = confide("session", "create", ns.toString());
    assertThat(unfilled.code()).isEqualTo(ExitCodes.DATA);
    assertThat(unfilled.err()).contains("template variable NS is not filled").contains("-e NS=VALUE");
    assertThat(confide("session", "create", ns.toString(), "-e", "NS=team").code()).isZero();
    Path app = file("app.yaml", """
        name: ${NS}/app
        services:
          - name: app
            command: run --token $$CONFIDE::token$$
        secrets:
          - {name: token, kind: ascii}
          - {name: pw, kind: ascii, value: swordfish-given}
        volumes:
          - name: V1
        """);
    Result created = confide("session", "create", app.toString(), "-e", "NS=team", "--json");
    assertThat(created.code()).as(created.err()).isZero();
    String hash = created.json().get("hash").asText();
    assertThat(confide("session", "hash", app.toString(), "-e", "NS=team").out()).startsWith(hash);

    Result shown = confide("session", "show", "team/app");
    assertThat(shown.code()).isZero();
    assertThat(shown.out()).contains(hash).contains("secret token").contains("generated")
        .contains("volume V1").contains("(none yet)").doesNotContain("swordfish");
    assertThat(confide("session", "show", "team/app", "--json").json().get("creator").asText()).isEqualTo(userHash);

    assertThat(confide("session", "verify", "team/app", app.toString(), "-e", "NS=team").code()).isZero();
    Files.writeString(app, Files.readString(app).replace("run --token", "run --fast --token"));
    Result differs = confide("session", "verify", "team/app", app.toString(), "-e", "NS=team", "--json");
    assertThat(differs.code()).isEqualTo(ExitCodes.DIFFERS);
    assertThat(differs.json().get("active_hash").asText()).isEqualTo(hash);

    Result updated = confide("session", "update", app.toString(), "-e", "NS=team", "--json");
    assertThat(updated.code()).as(updated.err()).isZero();
    assertThat(updated.json().get("predecessor").asText()).isEqualTo(hash);
    // an update naming the old hash (someone read it before the update above) is refused: no lost updates
    Path stale = file("stale.yaml", Files.readString(app).replace("name: ${NS}/app", "name: ${NS}/app\npredecessor: " + hash));
    Result refused = confide("session", "update", stale.toString(), "-e", "NS=team");
    assertThat(refused.code()).isEqualTo(ExitCodes.TEMP_FAIL);
    assertThat(refused.err()).contains("changed: its current hash is " + updated.json().get("hash").asText());

    Result exists = confide("session", "create", app.toString(), "-e", "NS=team");
    assertThat(exists.code()).isEqualTo(ExitCodes.TEMP_FAIL);
    assertThat(exists.err()).contains("already exists").contains("confide session update");

    Result bad = confide("session", "create", file("bad.yaml", "name: x\nservices:\n  - name: s\n    comand: y\n").toString());
    assertThat(bad.code()).isEqualTo(ExitCodes.DATA);
    assertThat(bad.err()).contains("bad.yaml:4:5: unknown field 'comand' in 'services[0]'");
    assertThat(confide("session", "create", tmp.resolve("missing.yaml").toString()).code()).isEqualTo(ExitCodes.NO_INPUT);
  }

  /** Two sessions created, then the log verified: passes, and its head (entry 2) is remembered. */
  private Result twoSessionsThenAuditVerify() throws Exception {
    pin();
    confide("session", "create", file("a.yaml", "name: a\n").toString());
    confide("session", "create", file("b.yaml", "name: b\n").toString());
    Result ok = confide("cas", "audit", "--verify");
    assertThat(ok.code()).as(ok.err()).isZero();
    return ok;
  }

  /** What someone who can rewrite the CAS's database does. */
  private void rewriteDatabase(String... statements) throws Exception {
    try (Connection c = cas.database().dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.executeUpdate(statement);
      }
      c.commit();
    }
  }

  @Test
  void auditVerifyPassesAndThenCatchesAnEditedDatabase() throws Exception {
    Result ok = twoSessionsThenAuditVerify();
    assertThat(ok.out()).contains("session.create").contains("audit log intact: 2 entries");
    rewriteDatabase("DELETE FROM audit WHERE seq = 1");
    Result tampered = confide("cas", "audit", "--verify", "--json");
    assertThat(tampered.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(tampered.err()).contains("the audit log was tampered with: entry 1 is missing");
  }

  @Test
  void auditVerifyRefusesALogCutBackBehindTheHeadItVerifiedBefore() throws Exception {
    Result first = twoSessionsThenAuditVerify();
    assertThat(first.out()).contains("ending at head 2; first verification here: its head is remembered in "
        + dirs.data().resolve("audit-heads"));
    confide("session", "create", file("c.yaml", "name: c\n").toString());
    Result second = confide("cas", "audit", "--verify", "--json");
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.json().get("verified_before").asLong()).isEqualTo(2);

    // someone able to rewrite the database cuts entry 3 and moves the head back consistently
    rewriteDatabase("DELETE FROM audit WHERE seq = 3",
        "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit WHERE seq = 2) WHERE id = 1");
    Result cut = confide("cas", "audit", "--verify");
    assertThat(cut.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(cut.err()).startsWith("confide: the audit log was tampered with: the log ends at entry 2, but entry 3"
        + " was verified before: entries at the end were removed and the head moved back (verified at ")
        .contains("; if the CAS was reset on purpose, delete " + dirs.data().resolve("audit-heads"));

    // the chain alone is intact: a user who never verified it before is not warned
    ConfideDirs remembered = dirs;
    dirs = new ConfideDirs(dirs.config(), tmp.resolve("another-users-data"));
    assertThat(confide("cas", "audit", "--verify").code()).isZero();
    dirs = remembered;
    assertThat(confide("cas", "audit", "--verify").code()).as("still refused").isEqualTo(ExitCodes.INTEGRITY);
  }

  @Test
  void aRememberedHeadOthersMayWriteOrThatIsMalformedIsRefused() throws Exception {
    pin();
    confide("session", "create", file("a.yaml", "name: a\n").toString());
    assertThat(confide("cas", "audit", "--verify").code()).isZero();
    Path head;
    try (Stream<Path> files = Files.list(dirs.data().resolve("audit-heads"))) {
      head = files.toList().getFirst(); // the only one: one CAS
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(head))).isEqualTo("rw-------");
    assertThat(Files.readString(head)).matches("1 [0-9a-f]{64} \\S+\n");

    Files.setPosixFilePermissions(head, PosixFilePermissions.fromString("rw-rw-r--"));
    Result loose = confide("cas", "audit", "--verify");
    assertThat(loose.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(loose.err()).contains(head.toString()).contains("could hide a cut audit log: chmod 600 " + head);

    Files.setPosixFilePermissions(head, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(head, "not a head\n");
    Result malformed = confide("cas", "audit", "--verify");
    assertThat(malformed.code()).isEqualTo(ExitCodes.DATA);
    assertThat(malformed.err()).isEqualTo("confide: " + head + " is not 'SEQ HASH TIME'; delete it to remember the next"
        + " verified head instead\n");
  }

  @Test
  void aCasStartWhoseDatabaseIsDownSaysSoInOneLine() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Result r = confide("cas", "start", "--data", tmp.resolve("cas3").toString(), "--listen", "127.0.0.1:0",
        "--db", "jdbc:postgresql://127.0.0.1:" + closed + "/cas?password=hunter2");
    assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err()).contains("cannot connect to jdbc:postgresql://127.0.0.1:" + closed + "/cas?password=***")
        .doesNotContain("hunter2");
    assertThat(r.err().lines().count()).isEqualTo(1);
  }

  @Test
  void aCasStartOnABusyPortSaysSo() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = confide("cas", "start", "--data", tmp.resolve("cas2").toString(),
          "--listen", "127.0.0.1:" + busy.getLocalPort());
      assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(r.err()).contains("address already in use").contains("--listen");
    }
  }

  @Test
  void atATerminalTheUserConfirmsTheShownFingerprint() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")),
        "needs script(1) from util-linux for a pseudo-terminal");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String command = String.join(" ", java, "--sun-misc-unsafe-memory-access=allow", "-cp", cp, Main.class.getName(),
        "cas", "add", "local", cas.url());
    for (String answer : new String[] {"no", "yes"}) {
      ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qec", command, "/dev/null");
      pb.environment().put("CONFIDE_CONFIG_DIR", dirs.config().toString());
      pb.environment().put("CONFIDE_DATA_DIR", dirs.data().toString());
      pb.redirectErrorStream(true);
      Process p = pb.start();
      // answer only once the question is on the screen, as a person would
      StringBuilder seen = new StringBuilder();
      var in = p.getInputStream();
      int c;
      while ((c = in.read()) >= 0) {
        seen.append((char) c);
        if (seen.toString().contains("Trust this CAS? (yes/no)")) {
          p.getOutputStream().write((answer + "\n").getBytes(StandardCharsets.US_ASCII));
          p.getOutputStream().flush();
          break;
        }
      }
      seen.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      int code = p.waitFor();
      assertThat(seen.toString()).contains(cas.fingerprint());
      if (answer.equals("no")) {
        assertThat(code).isEqualTo(ExitCodes.DENIED);
        assertThat(Files.exists(dirs.config().resolve("cas.toml"))).isFalse();
      } else {
        assertThat(code).as(seen.toString()).isZero();
        assertThat(Files.readString(dirs.config().resolve("cas.toml"))).contains(cas.fingerprint());
      }
    }
  }

  private Result ok(String... args) {
    Result r = confide(args);
    assertThat(r.code()).as(r.err()).isZero();
    return r;
  }

  private CasServer start(Path data, String user) throws Exception {
    CasHome home = CasHome.open(data, "127.0.0.1");
    return CasServer.start(home, Database.h2Url(home.dir()), new InetSocketAddress("127.0.0.1", 0), Set.of(user));
  }

  /** The key of volume V of session app, fetched as its owner does (the session made first when {@code create}). */
  private byte[] volumeKey(Path data, String user, boolean create) throws Exception {
    try (CasServer cas = start(data, user);
         CasClient c = CasClient.connect("t", URI.create(cas.url()), cas.fingerprint(), TlsIdentity.load(dirs.identity()))) {
      if (create) {
        c.createSession("name: app\nsecrets: [{name: token, kind: ascii}]\nvolumes: [{name: V}]\n");
      }
      return c.volumeKey("app", "V").copyBytes();
    }
  }

  /** {@code confide cas master-key} as an operator types it, on a CAS's H2 folder. */
  @Test
  void aRotationByTheCommandsKeepsEveryValueAndRefusesWhatWouldLoseOne() throws Exception {
    // a CAS of its own (H2 in its folder), stopped between the commands as H2 needs
    String user = userHash;
    Path data = tmp.resolve("rotated-cas");
    byte[] volumeKey = volumeKey(data, user, true);
    String d = data.toString();
    JsonNode listed = ok("cas", "master-key", "list", "--data", d, "--json").json();
    assertThat(listed.get("keys")).hasSize(1);
    String old = listed.get("keys").get(0).get("id").asText();
    assertThat(listed.get("keys").get(0).get("primary").asBoolean()).isTrue();
    assertThat(listed.get("keys").get(0).get("sealed_values").asLong()).isEqualTo(2);

    String fresh = ok("cas", "master-key", "add", "--data", d, "--json").json().get("added").asText();
    assertThat(fresh).matches("[0-9a-f]{8}").isNotEqualTo(old);
    Result inUse = confide("cas", "master-key", "retire", old, "--data", d);
    assertThat(inUse.code()).isEqualTo(ExitCodes.TEMP_FAIL);
    assertThat(inUse.err()).contains("2 stored values are still sealed under key " + old).contains("rewrap");
    ok("cas", "master-key", "promote", fresh, "--data", d);
    Result primary = confide("cas", "master-key", "retire", fresh, "--data", d);
    assertThat(primary.code()).isEqualTo(ExitCodes.USAGE);
    JsonNode rewrapped = ok("cas", "master-key", "rewrap", "--data", d, "--json").json();
    assertThat(rewrapped.get("resealed").asLong()).isEqualTo(2);
    assertThat(rewrapped.get("under_other_keys").asLong()).isZero();
    ok("cas", "master-key", "retire", old, "--data", d);
    JsonNode after = ok("cas", "master-key", "list", "--data", d, "--json").json();
    assertThat(after.get("keys")).hasSize(1);
    assertThat(after.get("keys").get(0).get("id").asText()).isEqualTo(fresh);
    assertThat(after.get("keys").get(0).get("sealed_values").asLong()).isEqualTo(2);

    // the volume's key (what its owner may fetch) is the one it had: the rewrap kept what the value opens to
    assertThat(volumeKey(data, user, false)).isEqualTo(volumeKey);

    // bad input: one line each, a documented code
    Result badId = confide("cas", "master-key", "promote", "zz", "--data", d);
    assertThat(badId.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badId.err()).contains("'zz' is not a key id");
    Result unknown = confide("cas", "master-key", "promote", "00001234", "--data", d);
    assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err()).contains("has no key 00001234");
    Result noData = confide("cas", "master-key", "list", "--data", tmp.resolve("nowhere").toString());
    assertThat(noData.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(noData.err()).contains("holds no CAS master key");
  }
}
