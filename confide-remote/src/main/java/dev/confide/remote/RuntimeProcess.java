package dev.confide.remote;

import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.RuntimeFailure;
import dev.confide.runtime.StagingArea;
import dev.confide.runtime.events.RunEvent;
import dev.confide.runtime.events.RunEventCodec;
import dev.confide.runtime.events.RunFailures;
import dev.confide.runtime.events.RunLaunch;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A runtime started as a process of its own ({@code confide-runtime run --events
 * --launch-on-stdin}): started early, it warms up while the client seals and makes the session,
 * then is {@linkplain #launch launched} with one line on its standard input. Its standard output
 * is read as {@link RunEvent}s, its standard error (the program's streamed output, the runtime's
 * notes) is passed to the user, and its standard input stays open for as long as this client
 * wants the run: when it closes (a cancel, or this process dying, even by SIGKILL) the runtime
 * cancels the run, wipes its staging area and commits nothing.
 */
public final class RuntimeProcess {
  /** The phase from launching the runtime to its first event: what of its start the warm-up did not hide. */
  public static final String START_PHASE = "runtime start";

  /** What a runtime says before anyone listens is kept up to this many characters. */
  static final int EARLY_NOTES = 64 << 10;

  private final RuntimeChannel process;
  private final Notes notes = new Notes();
  private final Thread notesCopy;
  private volatile long launchedNanos;
  private volatile boolean cancelled;
  private volatile boolean finished;

  private RuntimeProcess(RuntimeChannel process) {
    this.process = process;
    notesCopy = Thread.ofPlatform().daemon().name("confide-runtime-notes").start(() -> copy(process.stderr(), notes));
  }

  /**
   * A runtime started elsewhere (a remote host's, over an SSH exec channel) with the same
   * arguments as {@link #start}'s, its notes going to {@code notices}.
   */
  public static RuntimeProcess over(RuntimeChannel channel, PrintWriter notices) {
    RuntimeProcess started = over(channel);
    started.attach(notices);
    return started;
  }

  /** As {@link #over(RuntimeChannel, PrintWriter)}, for a spare nobody listens to yet: its notes wait for {@link #attach}. */
  public static RuntimeProcess over(RuntimeChannel channel) {
    return new RuntimeProcess(channel);
  }

  /** What follows {@code confide-runtime} on a runtime's command line, before the host's own arguments. */
  public static List<String> runArguments() {
    return List.of("run", "--events", "--cancel-on-stdin-close", "--launch-on-stdin");
  }

  /**
   * Starts the distribution's runtime with {@code runArguments} (after {@code run}) in an
   * environment of its own: none of this process's variables (a user's JAVA_TOOL_OPTIONS would
   * make the runtime refuse its JVM, and it holds nothing the runtime needs).
   */
  public static RuntimeProcess start(RuntimeDistribution dist, List<String> runArguments, PrintWriter notices)
      throws IOException {
    RuntimeProcess started = start(dist, runArguments);
    started.attach(notices);
    return started;
  }

  /** A runtime that nobody listens to yet (a spare, {@link WarmRuntimes}): its notes wait for {@link #attach}. */
  static RuntimeProcess start(RuntimeDistribution dist, List<String> runArguments) throws IOException {
    List<String> args = new ArrayList<>(runArguments());
    args.addAll(runArguments);
    // its private directories carry this process's token: a later sweep, and the tests, know them as ours
    ProcessBuilder pb = new ProcessBuilder(dist.command(
        List.of("-D" + StagingArea.TOKEN_PROPERTY + "=" + StagingArea.processToken()), args));
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", "/usr/bin:/bin");
    // the JVM decodes file names with the locale's charset: UTF-8, whatever the user's locale
    env.put("LANG", "C.UTF-8");
    return new RuntimeProcess(new RuntimeChannel.ProcessChannel(pb.start()));
  }

  /** From now on the runtime's notes (and the program's streamed output) go to {@code notices}. */
  public void attach(PrintWriter notices) {
    notes.attach(notices);
  }

  /** Whether the runtime still runs (a spare that died is not handed a run). */
  public boolean alive() {
    return process.alive();
  }

  /** Tells the runtime the run's CAS ahead of its launch (RunApproach): it connects and makes its keys meanwhile. */
  public void approach(dev.confide.runtime.events.RunApproach approach) throws IOException {
    OutputStream in = process.stdin();
    in.write((new RunEventCodec().encode(approach) + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Starts the run: the runtime has waited for this since it warmed up. */
  public void launch(RunLaunch launch) throws IOException {
    launchedNanos = System.nanoTime();
    OutputStream in = process.stdin();
    in.write((new RunEventCodec().encode(launch) + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /**
   * Waits for the run to end, telling {@code listener} its phases; returns the report, or throws
   * what the runtime said stopped it. A finished run returns as soon as the runtime has said so
   * and closed its standard error (its staging area is wiped before): its JVM's exit, a third of
   * a second here, is not waited for. A failed one returns once the runtime has exited, its
   * staging area wiped.
   */
  public RunReport await(PhaseClock.Listener listener) throws Exception {
    RunEventCodec codec = new RunEventCodec();
    RunEvent last = null;
    boolean first = true;
    try (Reader out = new InputStreamReader(process.stdout(), StandardCharsets.UTF_8)) {
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
          listener.ended(START_PHASE, (System.nanoTime() - launchedNanos) / 1_000_000);
        }
        switch (event.orElse(null)) {
          case RunEvent.PhaseStarted s -> listener.started(s.phase());
          case RunEvent.PhaseEnded e -> listener.ended(e.phase(), e.millis());
          case RunEvent.Progress p -> listener.progress(p.phase(), p.bytes(), p.total());
          case RunEvent.Finished f -> {
            // the run is over: saying goodbye ends the runtime's watch on its standard input, a
            // thread blocked in a read, which its JVM's exit otherwise waits 0.3 s for (HotSpot
            // waits for threads in native code); over SSH the end of its notes comes only then
            try {
              process.stdin().close();
            } catch (IOException e) {
              // it is gone already
            }
            notesCopy.join(); // the runtime closed its standard error before it said this
            finished = true;
            return f.report();
          }
          case RunEvent.Failed f -> last = f;
          case null, default -> { }
        }
      }
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "lost the runtime's output: " + e.getMessage(), "run it again");
    } finally {
      if (!finished) {
        waitFor();
        notesCopy.join();
      }
    }
    if (last instanceof RunEvent.Failed f) {
      throw RunFailures.rebuild(f);
    }
    if (cancelled) {
      throw new RuntimeFailure(RuntimeFailure.Kind.CANCELLED, "the run was cancelled; nothing was committed", "run it again");
    }
    throw new RuntimeFailure(RuntimeFailure.Kind.INTERNAL, "the runtime ended (exit " + process.exitValue()
        + ") without a result", "its output above says why");
  }

  /** Asks the runtime to stop (closes its standard input); {@link #await} then throws the cancellation. */
  public void cancel() {
    cancelled = true;
    try {
      process.stdin().close();
    } catch (IOException e) {
      // already closed: the runtime has been told
    }
  }

  /**
   * Ends a runtime whatever it was doing: cancels it, waits for it to wipe what it had begun, and
   * kills it if it has not ended within {@code seconds}. One that finished its run is only told.
   */
  public void stop(long seconds) {
    cancel();
    if (finished) {
      return;
    }
    try {
      if (!process.waitFor(seconds)) {
        process.kill();
      }
    } catch (InterruptedException e) {
      process.kill();
      Thread.currentThread().interrupt();
    }
  }

  private void waitFor() throws InterruptedException {
    try {
      process.waitFor();
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

  private static void copy(InputStream in, Notes to) {
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      char[] buf = new char[4096];
      for (int n; (n = r.read(buf)) >= 0; ) {
        to.write(buf, n);
      }
    } catch (IOException e) {
      // the runtime is gone; what it said is what there is
    }
  }

  /** Where the runtime's notes go: kept (up to {@link #EARLY_NOTES}) until someone listens. */
  private static final class Notes {
    private final StringBuilder early = new StringBuilder();
    private PrintWriter to;

    synchronized void write(char[] buf, int n) {
      if (to != null) {
        to.write(buf, 0, n);
        to.flush();
      } else if (early.length() < EARLY_NOTES) {
        early.append(buf, 0, Math.min(n, EARLY_NOTES - early.length()));
      }
    }

    synchronized void attach(PrintWriter notices) {
      to = notices;
      to.write(early.toString());
      to.flush();
      early.setLength(0);
    }
  }
}
