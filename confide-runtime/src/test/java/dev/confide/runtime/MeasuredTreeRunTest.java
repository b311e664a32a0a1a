package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.cas.common.CasException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's {@code measured_trees}: the folders a program loads from (Blender's scripts, its
 * Python) are measured with the executable at attestation. The attack: the host changes, adds,
 * removes or links a file there (a startup script that reads what the program reads); the runtime
 * measures another value and the CAS releases nothing.
 */
class MeasuredTreeRunTest {
  @TempDir Path tmp;
  RunFixture host;
  Path tree;

  @BeforeEach
  void setUp() throws Exception {
    host = new RunFixture(tmp);
    tree = Files.createDirectories(tmp.resolve("share/app/scripts/startup"));
    Files.writeString(tree.resolve("init.py"), "VALUE = 'genuine'\n");
    Files.writeString(tmp.resolve("share/app/README"), "data\n");
    tree = tmp.resolve("share/app");
    String measurement = host.measurer.measure(List.of("python3"), "/usr/bin:/bin", List.of(tree.toString())).value();
    host.cas.user.createSession("""
        name: trees
        services:
          - name: app
            image_name: img
            command: python3 -c "print('ran')"
            measured_trees: [%s]
            stream_output: true
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: work}]
        images: [{name: img, volumes: [{name: work, path: /work}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(tree, measurement));
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private RunFixture.Outcome run() throws Exception {
    return host.run(RunFixture.request("trees", "app", Map.of("work", tmp.resolve("work"))));
  }

  private void refused() {
    assertThatThrownBy(this::run).isInstanceOfSatisfying(CasException.class, e -> {
      assertThat(e.error()).isEqualTo("attestation_measurement_not_allowed");
      assertThat(e.status()).isEqualTo(403);
    });
    assertThat(tmp.resolve("work")).doesNotExist();
  }

  @Test
  void theUnchangedTreeRunsAndItsMeasurementNamesIt() throws Exception {
    RunFixture.Outcome out = run();
    assertThat(out.report().exitCode()).as(out.output()).isZero();
    assertThat(out.output()).contains("ran");
    assertThat(out.report().measurement())
        .isEqualTo(host.measurer.measure(List.of("python3"), "/usr/bin:/bin", List.of(tree.toString())).value())
        .isNotEqualTo(host.measurer.measure(List.of("python3"), "/usr/bin:/bin").value());
  }

  @Test
  void aChangedFileIsRefused() throws Exception {
    Files.writeString(tree.resolve("scripts/startup/init.py"), "VALUE = 'evil!'\n");
    refused();
  }

  @Test
  void anAddedFileIsRefused() throws Exception {
    Files.writeString(tree.resolve("scripts/startup/zz_hook.py"), "import os\n");
    refused();
  }

  @Test
  void aRemovedFileIsRefused() throws Exception {
    Files.delete(tree.resolve("README"));
    refused();
  }

  @Test
  void aFileSwappedForALinkIsRefused() throws Exception {
    Path init = tree.resolve("scripts/startup/init.py");
    Path elsewhere = Files.writeString(tmp.resolve("init.py"), Files.readString(init));
    Files.delete(init);
    Files.createSymbolicLink(init, elsewhere);
    refused();
  }

  @Test
  void aTreeTheHostRemovedIsRefused() throws Exception {
    Files.move(tree, tmp.resolve("moved"));
    refused();
  }
}
