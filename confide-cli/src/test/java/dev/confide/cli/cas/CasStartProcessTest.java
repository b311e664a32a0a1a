package dev.confide.cli.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cas.api.TagSwap;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.Main;
import dev.confide.volume.Tag;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide cas start} as its own process: first start, restart with the same key, SIGTERM;
 * two processes sharing one PostgreSQL.
 */
class CasStartProcessTest {
  @TempDir Path tmp;

  private record Started(Process process, JsonNode report) {}

  private Started start(Path data, String... extra) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--sun-misc-unsafe-memory-access=allow", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Main.class.getName(), "cas", "start", "--data", data.toString(), "--listen", "127.0.0.1:0", "--json"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("CONFIDE_CONFIG_DIR", tmp.resolve("config").toString());
    pb.environment().put("CONFIDE_DATA_DIR", tmp.resolve("data").toString());
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder json = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      json.append(line).append('\n');
      if (line.equals("}")) {
        break;
      }
    }
    assertThat(line).as("the CAS printed its report before exiting").isNotNull();
    return new Started(p, new ObjectMapper().readTree(json.toString()));
  }

  @Test
  @Timeout(120)
  void firstStartCreatesKeysARestartKeepsThemAndSigtermStopsIt() throws Exception {
    Path data = tmp.resolve("cas");
    Started first = start(data);
    String fingerprint = first.report().get("fingerprint").asText();
    assertThat(fingerprint).matches("SHA256:[A-Za-z0-9+/]{43}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("master-key.json")))).isEqualTo("rw-------");
    try (CasClient c = CasClient.connect("t", URI.create(first.report().get("url").asText()), fingerprint, null)) {
      assertThat(c.health()).contains("ok");
    }
    first.process().destroy(); // SIGTERM
    assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

    Started second = start(data);
    try {
      assertThat(second.report().get("fingerprint").asText()).isEqualTo(fingerprint);
    } finally {
      second.process().destroy();
      second.process().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(180)
  void twoCasProcessesOnOnePostgresqlServeTheSameSessions() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      TlsIdentity user = TlsIdentity.create(tmp.resolve("user"), "user");
      Path a = tmp.resolve("cas-a");
      Started first = start(a, "--db", url, "--session-creator", user.keyHash());
      Path b = tmp.resolve("cas-b");
      Files.createDirectories(b.resolve("tls"));
      for (String f : new String[] {"master-key.json", "audit-key", "tls/key.pem", "tls/cert.pem"}) {
        Files.copy(a.resolve(f), b.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
      }
      Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(b.resolve("tls"), PosixFilePermissions.fromString("rwx------"));
      Started second = start(b, "--db", url, "--session-creator", user.keyHash());
      String fingerprint = first.report().get("fingerprint").asText();
      assertThat(second.report().get("fingerprint").asText()).isEqualTo(fingerprint);
      assertThat(first.report().get("session_creators").get(0).asText()).isEqualTo(user.keyHash());
      try (CasClient viaA = CasClient.connect("a", URI.create(first.report().get("url").asText()), fingerprint, user);
           CasClient viaB = CasClient.connect("b", URI.create(second.report().get("url").asText()), fingerprint, user)) {
        viaA.createSession("name: shared\nvolumes:\n  - {name: V1}\n");
        Tag t1 = new Tag("1".repeat(64));
        viaA.swap("shared", "V1", new TagSwap(null, t1));
        assertThat(viaB.volume("shared", "V1").tag()).isEqualTo(t1);
        assertThatThrownBy(() -> viaB.swap("shared", "V1", new TagSwap(null, new Tag("2".repeat(64)))))
            .isInstanceOfSatisfying(CasException.class, e -> assertThat(e.error()).isEqualTo("stale_tag"));
        viaB.swap("shared", "V1", new TagSwap(t1, new Tag("3".repeat(64))));
        assertThat(viaA.session("shared").volumes().getFirst().tag()).isEqualTo(new Tag("3".repeat(64)));
      } finally {
        for (Started s : List.of(first, second)) {
          s.process().destroy();
          s.process().waitFor(30, TimeUnit.SECONDS);
        }
      }
    }
  }
}
