package dev.confide.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cas.client.CasClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;

/**
 * Drives a running CAS with N concurrent mTLS callers (one TLS connection each); each caller
 * alternates a session read and a tag swap of its own volume, so every swap should commit. Prints
 * one Markdown table row per operation and measured phase: count, throughput, p50, p99, errors.
 * The callers speak HTTP/1.1 over blocking TLS sockets ({@link LoadConnection}), the setup uses
 * {@link CasClient}.
 *
 * <p>Phases, all on the same connections in this one JVM (so the callers are warm too):
 * <ol>
 *   <li>WARMUP seconds of closed loop, not measured: the CAS's JIT is still compiling its largest
 *       methods a minute into a load on two cores (C2 spent 3.5 s on one method 60 s in);
 *   <li>SECONDS of closed loop, measured: each caller sends its next request when the last is
 *       answered — the most the CAS does (latency is then about callers / throughput);
 *   <li>with RATE &gt; 0: 10 s of open loop, not measured, then SECONDS of open loop, measured:
 *       the callers together start RATE reads and RATE swaps a second on a fixed schedule, and each
 *       latency counts from the moment its request was due, so a CAS that falls behind is charged
 *       the time requests waited to be sent (no coordinated omission).
 * </ol>
 * Errors in unmeasured phases count all the same. With CAS_PID, the CAS process's CPU time in
 * each measured phase is printed too.
 *
 * <p>Usage: {@code CasLoad URL FINGERPRINT IDENTITY_DIR CLIENTS SECONDS LABEL WARMUP RATE [CAS_PID]}
 */
public final class CasLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Latencies of this many milliseconds and more are counted per second of an open-loop phase. */
  private static final long SLOW_MS = 20;
  private static final long SECOND = 1_000_000_000L;
  private static final int OPEN_SETTLE_SECONDS = 10;

  private CasLoad() {}

  /**
   * A stretch of the load: from {@code start} to {@code end} (System.nanoTime), closed loop when
   * {@code period} is 0, else each caller's read-and-swap pair every {@code period} ns; measured
   * into {@code samples} (one per caller) unless that is null.
   */
  private record Phase(String name, long start, long end, long period, Samples[] samples) {
    boolean open() {
      return period > 0;
    }
  }

  /**
   * What one caller measured in one phase: latencies in nanoseconds, and per second how many were
   * slow and the worst (where a stall shows itself).
   */
  private static final class Samples {
    long[] reads = new long[1 << 14];
    long[] swaps = new long[1 << 14];
    int nr;
    int ns;
    final int[] slow;
    final long[] worst;

    Samples(int seconds) {
      slow = new int[seconds + 1];
      worst = new long[seconds + 1];
    }

    void read(int second, long nanos) {
      if (nr == reads.length) {
        reads = Arrays.copyOf(reads, nr * 2);
      }
      reads[nr++] = nanos;
      second(second, nanos);
    }

    void swap(int second, long nanos) {
      if (ns == swaps.length) {
        swaps = Arrays.copyOf(swaps, ns * 2);
      }
      swaps[ns++] = nanos;
      second(second, nanos);
    }

    private void second(int second, long nanos) {
      int at = Math.clamp(second, 0, slow.length - 1);
      if (nanos >= SLOW_MS * 1_000_000) {
        slow[at]++;
      }
      worst[at] = Math.max(worst[at], nanos);
    }
  }

  /** One caller: its session, connection and place in the swap sequence. */
  private static final class Caller {
    final int me;
    final String readPath;
    final String volumePath;
    final String swapPath;
    final LoadConnection c;
    String tag;
    long gen;

    Caller(int me, String session, LoadConnection c) {
      this.me = me;
      this.readPath = "/v1/session?name=" + session;
      this.volumePath = "/v1/volume?session=" + session + "&volume=V";
      this.swapPath = "/v1/volume/swap?session=" + session + "&volume=V";
      this.c = c;
    }
  }

  /**
   * Runs a PostgreSQL CHECKPOINT at {@code at} (System.nanoTime), as the open loop's settling
   * starts. A fresh server creates and zero-fills every 16 MB WAL segment in the backend whose
   * commit needs it (a 40 ms COMMIT every 6.4 s at 2,000 swaps/s); one that has run for a while
   * renames segments its checkpoints freed. The checkpoint after the warm-up and the closed loop
   * frees theirs, so the measured open loop sees that steady state.
   */
  private static void checkpointAt(String jdbcUrl, long at) {
    Thread.ofPlatform().daemon().name("checkpoint").start(() -> {
      try {
        long wait = at - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbcUrl);
             java.sql.Statement s = c.createStatement()) {
          s.execute("CHECKPOINT");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.sql.SQLException e) {
        System.err.println("bench: CHECKPOINT failed: " + e.getMessage());
      }
    });
  }

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    String fingerprint = args[1];
    TlsIdentity identity = TlsIdentity.load(Path.of(args[2]));
    int clients = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    String label = args[5];
    int warmup = Integer.parseInt(args[6]);
    double rate = Double.parseDouble(args[7]);
    Path casStat = args.length > 8 ? Path.of("/proc", args[8], "stat") : null;
    String run = Long.toHexString(System.nanoTime());

    try (CasClient setup = CasClient.connect("bench", url, fingerprint, identity)) {
      for (int i = 0; i < clients; i++) {
        setup.createSession("name: bench-" + run + "-" + i + "\nvolumes:\n  - {name: V}\n");
      }
    }
    AtomicLong errors = new AtomicLong();
    AtomicLong unsent = new AtomicLong();
    List<String> firstErrors = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    List<Phase> phases = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    SSLContext tls = CasClient.pinnedTls(fingerprint, identity);
    for (int i = 0; i < clients; i++) {
      int me = i;
      threads.add(Thread.ofPlatform().name("client-" + i).start(() -> {
        // handshake outside the measurement
        try (LoadConnection c = new LoadConnection(tls, url)) {
          Caller caller = new Caller(me, "bench-" + run + "-" + me, c);
          ready.countDown();
          go.await();
          for (Phase phase : phases) {
            drive(caller, phase, clients, errors, unsent, firstErrors);
          }
        } catch (IOException e) {
          errors.incrementAndGet();
          note(firstErrors, "client " + me + ": " + e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    ready.await();
    long t = System.nanoTime();
    phases.add(new Phase("warm-up", t, t += warmup * SECOND, 0, null));
    Phase closed = new Phase(label, t, t += seconds * SECOND, 0, samples(clients, seconds));
    phases.add(closed);
    Phase open = null;
    if (rate > 0) {
      long period = Math.round(clients * 1e9 / rate);
      phases.add(new Phase("settle", t, t += OPEN_SETTLE_SECONDS * SECOND, period, null));
      open = new Phase(String.format(Locale.ROOT, "%s, offered %.0f/s", label, rate), t, t += seconds * SECOND, period,
          samples(clients, seconds));
      phases.add(open);
    }
    String checkpointUrl = System.getProperty("bench.checkpoint");
    if (checkpointUrl != null && open != null) {
      checkpointAt(checkpointUrl, open.start() - OPEN_SETTLE_SECONDS * SECOND);
    }
    go.countDown();
    long[] cpu = new long[4];
    cpu[0] = cpuTicksAt(casStat, closed.start());
    cpu[1] = cpuTicksAt(casStat, closed.end());
    if (open != null) {
      cpu[2] = cpuTicksAt(casStat, open.start());
      cpu[3] = cpuTicksAt(casStat, open.end());
    }
    for (Thread thread : threads) {
      thread.join();
    }
    report(closed, seconds, errors.get(), casStat == null ? -1 : cpu[1] - cpu[0]);
    if (open != null) {
      report(open, seconds, errors.get(), casStat == null ? -1 : cpu[3] - cpu[2]);
    }
    firstErrors.forEach(e -> System.err.println("error: " + e));
    if (unsent.get() > 0) {
      System.err.printf(Locale.ROOT, "the CAS fell behind the offered rate: %d read-and-swap pairs due were never sent%n",
          unsent.get());
    }
  }

  private static Samples[] samples(int clients, int seconds) {
    Samples[] s = new Samples[clients];
    for (int i = 0; i < clients; i++) {
      s[i] = new Samples(seconds);
    }
    return s;
  }

  /** Runs one caller through one phase. */
  private static void drive(Caller caller, Phase phase, int clients, AtomicLong errors, AtomicLong unsent,
      List<String> firstErrors) throws IOException {
    Samples mine = phase.samples() == null ? null : phase.samples()[caller.me];
    long period = phase.period();
    for (long k = 0; ; k++) {
      // open loop: callers spread evenly over the period, the swap half a period after the read
      long readDue = phase.open() ? phase.start() + k * period + caller.me * period / clients : System.nanoTime();
      if (readDue >= phase.end() || System.nanoTime() >= phase.end()) {
        if (phase.open() && readDue < phase.end()) {
          unsent.addAndGet((phase.end() - readDue + period - 1) / period);
        }
        return;
      }
      waitUntil(readDue);
      int read = caller.c.send("GET", caller.readPath, null);
      long readDone = System.nanoTime();
      if (read != 200) {
        throw new IOException("a session read answered " + read + ": " + caller.c.body());
      }
      int second = (int) ((readDue - phase.start()) / SECOND);
      if (mine != null) {
        mine.read(second, readDone - readDue);
      }
      String next = String.format("%032x%032x", caller.me, ++caller.gen);
      String swap = "{\"old_tag\":" + (caller.tag == null ? "null" : "\"" + caller.tag + "\"")
          + ",\"new_tag\":\"" + next + "\"}";
      long swapDue = phase.open() ? readDue + period / 2 : readDone;
      waitUntil(swapDue);
      int swapped = caller.c.send("POST", caller.swapPath, swap);
      if (swapped == 200) {
        caller.tag = next;
        if (mine != null) {
          mine.swap(second, System.nanoTime() - swapDue);
        }
      } else {
        errors.incrementAndGet();
        note(firstErrors, swapped + ": " + caller.c.body());
        caller.c.send("GET", caller.volumePath, null);
        caller.tag = JSON.readTree(caller.c.body()).path("tag").asText(null);
      }
    }
  }

  private static void note(List<String> firstErrors, String error) {
    synchronized (firstErrors) {
      if (firstErrors.size() < 5) {
        firstErrors.add(error);
      }
    }
  }

  /** Parks until System.nanoTime() reaches {@code due}; returns at once when it has passed. */
  private static void waitUntil(long due) {
    for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** The process's user + system CPU ticks once {@code at} is reached; -1 without a process. */
  private static long cpuTicksAt(Path stat, long at) throws IOException {
    waitUntil(at);
    if (stat == null) {
      return -1;
    }
    // the command name (field 2) is in parentheses and may hold spaces: count from after it
    String s = Files.readString(stat);
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static void report(Phase phase, int seconds, long errors, long cpuTicks) {
    row(phase.name(), "session read", Arrays.stream(phase.samples()).map(s -> Arrays.copyOf(s.reads, s.nr)).toArray(long[][]::new),
        seconds, -1);
    row(phase.name(), "tag swap", Arrays.stream(phase.samples()).map(s -> Arrays.copyOf(s.swaps, s.ns)).toArray(long[][]::new),
        seconds, errors);
    if (cpuTicks >= 0) {
      // /proc counts clock ticks, 100 a second on Linux (USER_HZ): ticks per second = % of one core
      System.err.printf(Locale.ROOT, "%s: CAS process CPU %d%% of one core%n", phase.name(), cpuTicks / seconds);
    }
    // in a closed loop every request waits behind the others, so only the open loop's stalls are news
    if (!phase.open()) {
      return;
    }
    List<String> slowSeconds = new ArrayList<>();
    long worstOfAll = 0;
    for (int second = 0; second <= seconds; second++) {
      int slow = 0;
      long worst = 0;
      for (Samples s : phase.samples()) {
        slow += s.slow[second];
        worst = Math.max(worst, s.worst[second]);
      }
      worstOfAll = Math.max(worstOfAll, worst);
      if (slow > 0) {
        slowSeconds.add(String.format(Locale.ROOT, "second %d: %d requests took %d ms or more, the slowest %.0f ms",
            second, slow, SLOW_MS, worst / 1e6));
      }
    }
    if (slowSeconds.size() > 10) {
      System.err.printf(Locale.ROOT, "%s: %d of %d seconds had requests of %d ms or more, the slowest %.0f ms%n",
          phase.name(), slowSeconds.size(), seconds, SLOW_MS, worstOfAll / 1e6);
    } else {
      slowSeconds.forEach(line -> System.err.println(phase.name() + ": " + line));
    }
  }

  private static void row(String label, String op, long[][] perClient, double seconds, long errors) {
    long[] all = Arrays.stream(perClient).flatMapToLong(Arrays::stream).sorted().toArray();
    double p50 = all.length == 0 ? 0 : all[(int) (all.length * 0.50)] / 1e6;
    double p99 = all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6;
    System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f/s | %.1f ms | %.1f ms | %s |%n", label, op, all.length,
        all.length / seconds, p50, p99, errors < 0 ? "-" : Long.toString(errors));
  }
}
