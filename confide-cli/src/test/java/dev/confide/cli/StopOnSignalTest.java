package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started for one command, asked to stop (Ctrl-C, SIGTERM): the command is cancelled and the
 * JVM halts only once it has removed what it had begun.
 */
class StopOnSignalTest {
  @TempDir Path tmp;

  @Test
  @Timeout(30)
  void theHookCancelsAndReturnsOnlyOnceTheCommandHasFinished() throws Exception {
    Cancellation cancellation = new Cancellation();
    StopOnSignal stop = new StopOnSignal(cancellation, new PrintWriter(new StringWriter()));
    CountDownLatch cancelled = new CountDownLatch(1);
    List<String> events = new CopyOnWriteArrayList<>();
    Thread command = Thread.ofPlatform().start(() -> {
      try (Cancellation.Registration r = cancellation.onCancel(cancelled::countDown)) {
        cancelled.await();
        events.add("cleaned up");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stop.finished();
      }
    });

    stop.hook().run();

    assertThat(cancellation.cancelled()).isTrue();
    assertThat(events).as("the hook returned after the command's clean-up").containsExactly("cleaned up");
    command.join();
  }

  @Test
  @Timeout(120)
  void sigintDuringAColdSealLeavesNoVolumeAndNoKey() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    try (RandomAccessFile big = new RandomAccessFile(source.resolve("large.bin").toFile(), "rw")) {
      big.setLength(16L << 30); // sparse: costs no disk to read, seconds to seal
    }
    Path volume = tmp.resolve("volume");
    Path key = tmp.resolve("volume.key");
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--sun-misc-unsafe-memory-access=allow", "-cp", classPath, Main.class.getName(),
        "volume", "seal", source.toString(), volume.toString(), "--key-out", key.toString());
    pb.environment().put("CONFIDE_CONFIG_DIR", tmp.resolve("config").toString());
    pb.environment().put("CONFIDE_DATA_DIR", tmp.resolve("data").toString());
    pb.redirectErrorStream(true);
    Process seal = pb.start();
    try {
      Path objects = volume.resolve("objects");
      // the first object's file exists from its first byte on: the seal is under way
      while (!hasAFile(objects)) {
        if (!seal.isAlive()) {
          fail("the seal ended before it could be stopped; it printed: "
              + new String(seal.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        Thread.sleep(5); // a condition polled, not a race: the seal takes seconds
      }
      new ProcessBuilder("kill", "-INT", Long.toString(seal.pid())).start().waitFor();
      assertThat(seal.waitFor(60, TimeUnit.SECONDS)).isTrue();
      List<String> printed = new ArrayList<>();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(seal.getInputStream(), StandardCharsets.UTF_8))) {
        out.lines().forEach(printed::add);
      }
      assertThat(seal.exitValue()).as(String.join("\n", printed)).isEqualTo(ExitCodes.CANCELLED);
      // a slow clean-up (past StopOnSignal.NOTICE_AFTER) is announced first
      assertThat(printed).last().isEqualTo("confide: 'volume seal' was cancelled before it finished; nothing"
          + " half-written is left: what it had begun was removed; run it again to finish");
      assertThat(volume).as("no half-written volume").doesNotExist();
      assertThat(key).as("no key of a volume that does not exist").doesNotExist();
    } finally {
      seal.destroyForcibly();
    }
  }

  private static boolean hasAFile(Path objects) throws java.io.IOException {
    if (!Files.isDirectory(objects)) {
      return false;
    }
    try (Stream<Path> all = Files.walk(objects)) {
      return all.anyMatch(Files::isRegularFile);
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException gone) {
      return false;
    }
  }
}
