package dev.confide.cli.run;

import dev.confide.cli.Cancellation;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.Invocation;
import dev.confide.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code confide run} on a thread of its own whose program's streamed output the test watches:
 * the test waits for a line the program prints instead of guessing how long the run takes, and
 * may stop it as Ctrl-C does.
 */
final class StreamedRun {
  /** The python application with its output streamed ({@code stream_output: true}), as {@code CONFIG/applications/streamer.yaml}. */
  static void addStreamer(Path config) throws IOException {
    Path apps = Files.createDirectories(config.resolve("applications"));
    Files.writeString(apps.resolve("streamer.yaml"), Files.readString(RunApplicationTest.EXAMPLES.resolve(
        "applications/python.yaml")).replace("name: python", "name: streamer").replace("      pwd: /encryptedOutputs",
        "      pwd: /encryptedOutputs\n      stream_output: true"));
  }

  private final StringBuilder said = new StringBuilder();
  private final CountDownLatch seen = new CountDownLatch(1);
  private final Cancellation cancellation = new Cancellation();
  private final Thread thread;
  private final String awaited;
  private volatile int code = -1;

  /** Starts {@code confide ARGS} (with {@code --stream-output}), watching for {@code awaited} in what it prints. */
  StreamedRun(ConfideDirs dirs, String awaited, String... args) {
    this.awaited = awaited;
    Writer err = new Writer() {
      @Override
      public void write(char[] b, int off, int len) {
        synchronized (said) {
          said.append(b, off, len);
          if (said.indexOf(StreamedRun.this.awaited) >= 0) {
            seen.countDown();
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Invocation invocation = new Invocation(dirs, null, System.currentTimeMillis(), false, ThisRuntime::distribution,
        cancellation, dev.confide.remote.RuntimeStarter.FRESH);
    thread = Thread.ofPlatform().start(() -> code = Main.run(args, new PrintWriter(Writer.nullWriter()),
        new PrintWriter(err, true), invocation));
  }

  /** Waits for the awaited text (or the run's end); whether it was seen. */
  boolean awaitOutput() throws InterruptedException {
    while (!seen.await(1, TimeUnit.SECONDS)) {
      if (!thread.isAlive()) {
        return seen.getCount() == 0;
      }
    }
    return true;
  }

  boolean running() {
    return thread.isAlive();
  }

  /** Stops the run as Ctrl-C does. */
  void cancel() {
    cancellation.cancel();
  }

  /** Waits for the run to end; its exit code. */
  int await() throws InterruptedException {
    thread.join();
    return code;
  }

  String said() {
    synchronized (said) {
      return said.toString();
    }
  }
}
