package dev.confide.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.runtime.RuntimeFailure;
import dev.confide.runtime.events.RunLaunch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host whose "runtime" says things a runtime does not: the client believes none of it. The
 * distribution here is a shell script in the place of its Java, as a hostile host could put there.
 */
class HostileRuntimeTest {
  @TempDir Path tmp;

  /** A distribution whose java is {@code script} (it gets the launch line on stdin). */
  private RuntimeDistribution hostile(String script) throws Exception {
    Path home = tmp.resolve("dist");
    Files.createDirectories(home.resolve("lib"));
    Files.writeString(home.resolve("lib/confide-runtime.jar"), "not a jar");
    Path java = Files.createDirectories(home.resolve("jre/bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    return RuntimeDistribution.at(home);
  }

  private static RunLaunch launch() {
    return new RunLaunch(URI.create("https://127.0.0.1:1"), "SHA256:" + "A".repeat(43), "s", "app", Map.of(), false);
  }

  @Test
  @Timeout(60)
  void aLineThatIsNotAnEventCancelsTheRunAndIsReportedAsSuch() throws Exception {
    // says it started, then prints garbage, then waits for the client to close its input
    RuntimeDistribution dist = hostile("""
        read -r launch
        echo '{"event":"phase_started","phase":"attest"}'
        echo 'you have been pwned'
        cat > /dev/null
        echo cancelled >&2
        """);
    StringWriter notes = new StringWriter();
    RuntimeProcess p = RuntimeProcess.start(dist, List.of(), new PrintWriter(notes, true));
    p.launch(launch());
    List<String> phases = new java.util.ArrayList<>();
    assertThatThrownBy(() -> p.await(phases::add)).isInstanceOfSatisfying(RuntimeFailure.class, f -> {
      assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.INTERNAL);
      assertThat(f).hasMessageContaining("a line that is not a run event").hasMessageContaining("you have been pwned");
      assertThat(f.hint()).contains("the run was cancelled");
    });
    assertThat(phases).contains("attest");
    assertThat(notes.toString()).as("its input was closed: it was told to stop").contains("cancelled");
  }

  @Test
  @Timeout(60)
  void aRuntimeThatEndsWithoutAResultOrClaimsAnUnknownFailureIsNotTakenForASuccess() throws Exception {
    RuntimeProcess silent = RuntimeProcess.start(hostile("read -r launch\nexit 0\n"), List.of(), new PrintWriter(new StringWriter()));
    silent.launch(launch());
    assertThatThrownBy(() -> silent.await(phase -> { })).isInstanceOfSatisfying(RuntimeFailure.class, f -> {
      assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.INTERNAL);
      assertThat(f).hasMessageContaining("ended (exit 0) without a result");
    });
    RuntimeProcess odd = RuntimeProcess.start(hostile("""
        read -r launch
        echo '{"event":"failed","source":"quantum","kind":"flux","status":0,"message":"m","hint":"h"}'
        """), List.of(), new PrintWriter(new StringWriter()));
    odd.launch(launch());
    assertThatThrownBy(() -> odd.await(phase -> { })).isInstanceOfSatisfying(RuntimeFailure.class,
        f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.INTERNAL));
  }
}
