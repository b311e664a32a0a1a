package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cas.client.CasClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide cas start} as its own process: first start, restart with the same key, SIGTERM. */
class CasStartProcessTest {
  @TempDir Path tmp;

  private record Started(Process process, JsonNode report) {}

  private Started start(Path data) throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--sun-misc-unsafe-memory-access=allow", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Main.class.getName(), "cas", "start", "--data", data.toString(), "--listen", "127.0.0.1:0", "--json");
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
}
