package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.confide.testing.SimSession;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM is asked to stop (SIGTERM) while the program runs: the shutdown hook the run registered
 * returns only once the run's own thread has given up, so the JVM never halts with that thread
 * half-way through sealing a volume. The hook is run here by the test, as the JVM would run it.
 */
class StopRequestTest {
  @TempDir Path tmp;

  @Test
  @Timeout(120)
  void aStopWhileTheProgramRunsCommitsNothingAndLeavesNoHalfWrittenVolume() throws Exception {
    try (RunFixture host = new RunFixture(tmp)) {
      Path code = Files.createDirectories(tmp.resolve("code"));
      Files.writeString(code.resolve("main.py"), """
          import time
          open("/work/partial.txt", "w").write("output of a run that was stopped")
          print("ready", flush=True)
          time.sleep(600)
          """);
      SymmetricKey key = SymmetricKey.generate();
      SealResult sealed = new VolumeSealer().seal(code, tmp.resolve("code-volume"), key, Progress.NONE);
      host.cas.user.createSession(SimSession.named("sleeper").measurement(host.python("/usr/bin:/bin"))
          .sealedVolume("code", HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex(), "/code", true)
          .newVolume("work", "/work").yaml());
      Path work = tmp.resolve("work-volume");
      Path memory = Files.createTempDirectory(Path.of("/dev/shm"), "confide-stop-test-");
      List<Thread> hooks = new CopyOnWriteArrayList<>();
      ShutdownHooks recorded = new ShutdownHooks() {
        @Override
        public void add(Thread hook) {
          hooks.add(hook);
        }

        @Override
        public void remove(Thread hook) {
          hooks.remove(hook);
        }
      };
      CountDownLatch ready = new CountDownLatch(1);
      ConfidentialRun run = new ConfidentialRun(host.cas.runtime, host.measurer, host.hostKey, Bubblewrap.find(),
          new PrintWriter(new ReadySignal(ready), true), recorded);
      try {
        FutureTask<RunReport> report = new FutureTask<>(() -> run.run(new RunRequest("sleeper", "app",
            Map.of("code", tmp.resolve("code-volume"), "work", work), true, memory), new PhaseClock()));
        Thread.ofPlatform().name("the run").start(report);
        ready.await();
        assertThat(hooks).hasSize(1);

        hooks.getFirst().run();

        assertThat(work).as("no volume was begun").doesNotExist();
        try (Stream<Path> left = Files.list(memory)) {
          assertThat(left).as("the staging area is wiped").isEmpty();
        }
        ExecutionException ended = catchThrowableOfType(ExecutionException.class, report::get);
        assertThat(ended).as("the run was refused, not finished").isNotNull();
        assertThat(ended.getCause()).isInstanceOf(RuntimeFailure.class)
            .hasMessage("the run was cancelled while the program ran; nothing was committed and its staging area"
                + " was wiped");
        assertThat(((RuntimeFailure) ended.getCause()).kind()).isEqualTo(RuntimeFailure.Kind.CANCELLED);
        assertThat(host.cas.user.volume("sleeper", "work").tag()).as("nothing was committed").isNull();
        assertThat(work).as("nor afterwards").doesNotExist();
        assertThat(hooks).as("the run took its hook back").isEmpty();
      } finally {
        run.cancel();
        Files.deleteIfExists(memory);
      }
    }
  }

  /** Counts {@code ready} down once the program's live output holds a line "ready". */
  private static final class ReadySignal extends Writer {
    private final StringBuilder seen = new StringBuilder();
    private final CountDownLatch ready;

    ReadySignal(CountDownLatch ready) {
      this.ready = ready;
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      seen.append(buf, off, len);
      if (seen.indexOf("ready\n") >= 0) {
        ready.countDown();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
