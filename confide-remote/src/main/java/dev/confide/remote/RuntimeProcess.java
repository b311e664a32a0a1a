package dev.confide.remote;

import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.RuntimeFailure;
import dev.confide.runtime.StagingArea;
import dev.confide.runtime.events.RunEvent;
import dev.confide.runtime.events.RunEventCodec;
import dev.confide.runtime.events.RunFailures;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A runtime started as a process of its own ({@code confide-runtime run --events}): its standard
 * output is read as {@link RunEvent}s, its standard error (the program's streamed output, the
 * runtime's notes) is passed to the user, and its standard input stays open for as long as this
 * client wants the run: when it closes (a cancel, or this process dying, even by SIGKILL) the
 * runtime cancels the run, wipes its staging area and commits nothing.
 */
public final class RuntimeProcess {
  /** The phase from starting the runtime's process to its first event (its JVM's start, its set-up). */
  public static final String START_PHASE = "runtime start";

  private final Process process;
  private final Thread notes;
  private final long startedNanos;
  private volatile boolean cancelled;

  private RuntimeProcess(Process process, Thread notes, long startedNanos) {
    this.process = process;
    this.notes = notes;
    this.startedNanos = startedNanos;
  }

  /**
   * Starts the distribution's runtime with {@code runArguments} (after {@code run}) in an
   * environment of its own: none of this process's variables (a user's JAVA_TOOL_OPTIONS would
   * make the runtime refuse its JVM, and it holds nothing the runtime needs).
   */
  public static RuntimeProcess start(RuntimeDistribution dist, List<String> runArguments, PrintWriter notices)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.add("run");
    args.addAll(runArguments);
    args.add("--events");
    args.add("--cancel-on-stdin-close");
    // its private directories carry this process's token: a later sweep, and the tests, know them as ours
    ProcessBuilder pb = new ProcessBuilder(dist.command(
        List.of("-D" + StagingArea.TOKEN_PROPERTY + "=" + StagingArea.processToken()), args));
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/bin:/bin");
    // the JVM decodes file names with the locale's charset: UTF-8, whatever the user's locale
    env.put("LANG", "C.UTF-8");
    long started = System.nanoTime();
    Process process = pb.start();
    Thread notes = Thread.ofPlatform().daemon().name("confide-runtime-notes")
        .start(() -> copy(process.getErrorStream(), notices));
    return new RuntimeProcess(process, notes, started);
  }

  /**
   * Waits for the run to end, telling {@code listener} its phases; returns the report, or throws
   * what the runtime said stopped it.
   */
  public RunReport await(PhaseClock.Listener listener) throws Exception {
    RunEventCodec codec = new RunEventCodec();
    RunEvent last = null;
    boolean first = true;
    try (Reader out = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
      for (String line; (line = readLine(out)) != null; ) {
        Optional<RunEvent> event;
        try {
          event = codec.decode(line);
        } catch (RunEventCodec.MalformedEventException e) {
          cancel();
          throw new RuntimeFailure(RuntimeFailure.Kind.INTERNAL, "the runtime sent " + e.getMessage(),
              "the host's runtime is not this version's, or something else wrote to its output; the run was cancelled");
        }
        if (first) {
          first = false;
          listener.started(START_PHASE);
          listener.ended(START_PHASE, (System.nanoTime() - startedNanos) / 1_000_000);
        }
        switch (event.orElse(null)) {
          case RunEvent.PhaseStarted s -> listener.started(s.phase());
          case RunEvent.PhaseEnded e -> listener.ended(e.phase(), e.millis());
          case RunEvent.Finished f -> last = f;
          case RunEvent.Failed f -> last = f;
          case null, default -> { }
        }
      }
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "lost the runtime's output: " + e.getMessage(), "run it again");
    } finally {
      int exit = waitFor();
      notes.join();
      if (last == null) {
        if (cancelled) {
          throw new RuntimeFailure(RuntimeFailure.Kind.CANCELLED, "the run was cancelled; nothing was committed", "run it again");
        }
        throw new RuntimeFailure(RuntimeFailure.Kind.INTERNAL, "the runtime ended (exit " + exit + ") without a result",
            "its output above says why");
      }
    }
    if (last instanceof RunEvent.Failed f) {
      throw RunFailures.rebuild(f);
    }
    return ((RunEvent.Finished) last).report();
  }

  /** Asks the runtime to stop (closes its standard input); {@link #await} then throws the cancellation. */
  public void cancel() {
    cancelled = true;
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already closed: the runtime has been told
    }
  }

  private int waitFor() throws InterruptedException {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      cancel();
      throw e;
    }
  }

  /** A line without its end, or null at the end; refuses lines longer than {@link RunEventCodec#MAX_LINE}. */
  private static String readLine(Reader in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0; ) {
      if (c == '\n') {
        return line.toString();
      }
      if (line.length() > RunEventCodec.MAX_LINE) {
        return line.toString(); // the codec refuses it by its length
      }
      line.append((char) c);
    }
    return line.isEmpty() ? null : line.toString();
  }

  private static void copy(InputStream in, PrintWriter to) {
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      char[] buf = new char[4096];
      for (int n; (n = r.read(buf)) >= 0; ) {
        to.write(buf, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // the runtime is gone; what it said is what there is
    }
  }
}
