package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack: the host replaces the program after the runtime measured it (a wrapper bound over
 * python3 received every secret). The runtime runs the copy it measured, so the replacement never
 * starts.
 */
class ExecutableSwapTest {
  @TempDir Path tmp;
  RunFixture host;

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  @Test
  void aProgramReplacedAfterItsMeasurementIsNeverStarted() throws Exception {
    host = new RunFixture(tmp);
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path tool = Files.writeString(bin.resolve("tool"), "#!/bin/sh\necho \"genuine got $1\"\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(bin.resolve("tool-link"), tool);
    String path = bin + ":/usr/bin:/bin";
    String measurement = host.measurer.measure(List.of("tool-link"), path).value();
    host.cas.user.createSession("""
        name: swap
        services:
          - name: app
            image_name: img
            command: tool-link $$CONFIDE::token$$
            environment: {PATH: "%s"}
            stream_output: true
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: work}]
        images: [{name: img, volumes: [{name: work, path: /work}]}]
        secrets: [{name: token, kind: ascii, size: 16}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(path, measurement));
    Path evil = Files.writeString(tmp.resolve("evil"), "#!/bin/sh\necho \"evil got $1\"\n");
    Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr-xr-x"));
    // the host's move, between measurement and start: the file rewritten and the link pointed elsewhere
    Sandbox swapping = (plan, output, launcher) -> {
      try {
        Files.writeString(tool, "#!/bin/sh\necho \"evil got $1\"\n");
        Files.delete(bin.resolve("tool-link"));
        Files.createSymbolicLink(bin.resolve("tool-link"), evil);
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      return Bubblewrap.find().start(plan, output, launcher);
    };
    RunFixture.Outcome out = host.run(RunFixture.request("swap", "app", Map.of("work", tmp.resolve("work"))), swapping,
        host.cas.runtime);
    assertThat(out.report().exitCode()).as(out.output()).isZero();
    assertThat(out.output()).startsWith("genuine got ").doesNotContain("evil");
    assertThat(out.report().executable()).isEqualTo(tool.toRealPath().toString());
  }
}
