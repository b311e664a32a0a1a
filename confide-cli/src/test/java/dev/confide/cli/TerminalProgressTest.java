package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cli.run.ThisRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress line, on a clock the test moves. */
class TerminalProgressTest {
  private static final long MS = 1_000_000L;
  private final StringWriter text = new StringWriter();
  private long now = 1_000_000 * MS;
  private final TerminalProgress progress = new TerminalProgress(new PrintWriter(text), () -> now);

  @Test
  void aWalkLongerThanHalfASecondSaysSoAndTheBarReplacesIt() {
    progress.checkpoint();
    now += 400 * MS;
    progress.checkpoint();
    assertThat(text.toString()).isEmpty(); // short walks show nothing

    now += 200 * MS;
    progress.checkpoint();
    assertThat(text.toString()).isEqualTo("\rreading the source tree  1 s ");
    now += 100 * MS;
    progress.checkpoint(); // redrawn at most every 200 ms
    assertThat(text.toString()).isEqualTo("\rreading the source tree  1 s ");

    progress.start("seal", 4L << 20);
    assertThat(text.toString()).endsWith("\r\033[K"); // the walking line is erased
    now += 600 * MS;
    progress.advance(2L << 20);
    assertThat(text.toString()).endsWith("\rseal  50%  2 / 4 MiB  3 MiB/s ");
    progress.checkpoint(); // once started, checkpoints draw nothing
    assertThat(text.toString()).endsWith("\rseal  50%  2 / 4 MiB  3 MiB/s ");

    progress.finish();
    assertThat(text.toString()).endsWith("\r\033[K");
  }

  @Test
  void quickWorkDrawsNothingAtAll() {
    progress.checkpoint();
    progress.start("seal", 1000);
    now += 100 * MS;
    progress.advance(1000);
    progress.finish();
    assertThat(text.toString()).isEmpty();
  }

  @Test
  void aFailureAtATerminalPrintsItsLineFromTheStartOfAClearedLine(@TempDir Path tmp) {
    Invocation atATerminal = new Invocation(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), null, 0L, true,
        ThisRuntime::distribution, new Cancellation(), dev.confide.remote.RuntimeStarter.FRESH);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"volume", "verify", tmp.resolve("none").toString(), "--key-file",
        tmp.resolve("key").toString()}, new PrintWriter(out), new PrintWriter(err), atATerminal);
    assertThat(code).isEqualTo(ExitCodes.NO_INPUT);
    // a bar the failure cut short would otherwise carry the error line on its end
    assertThat(err.toString()).startsWith("\r\033[Kconfide: ");
  }
}
