package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The line a waiting runtime reads before it runs: exactly one, bounded, and nothing read past it. */
class LaunchLineTest {
  private static InputStream in(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theLaunchIsReadUpToItsNewlineAndNoFurther() throws Exception {
    InputStream stdin = in("{\"cas\":\"https://127.0.0.1:8081\",\"cas_fingerprint\":\"SHA256:abc\",\"session\":\"s\","
        + "\"service\":\"app\",\"volumes\":{\"out\":\"/tmp/o\"},\"stream_output\":true}\nstill the client\n");
    var launch = RunSubcommand.readLaunch(stdin);
    assertThat(launch.session()).isEqualTo("s");
    assertThat(launch.volumes()).containsEntry("out", Path.of("/tmp/o"));
    assertThat(launch.streamOutput()).isTrue();
    assertThat(new String(stdin.readAllBytes(), StandardCharsets.UTF_8)).as("left for the watch on standard input")
        .isEqualTo("still the client\n");
  }

  @Test
  void aClientThatGoesOrSendsGarbageStartsNothing() {
    assertThatThrownBy(() -> RunSubcommand.readLaunch(in("{\"cas\":")))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.CANCELLED));
    assertThatThrownBy(() -> RunSubcommand.readLaunch(in("not json\n")))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.USAGE));
    assertThatThrownBy(() -> RunSubcommand.readLaunch(in("{\"session\":\"s\"}\n")))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f).hasMessageContaining("without its CAS"));
    assertThatThrownBy(() -> RunSubcommand.readLaunch(in("x".repeat(RunSubcommand.MAX_LAUNCH + 10) + "\n")))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f).hasMessageContaining("longer than"));
  }
}
