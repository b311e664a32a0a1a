package dev.confide.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cas.TlsIdentity;
import dev.confide.cas.client.CasClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * Drives a running CAS with N concurrent mTLS callers (one TLS connection each) for a while; each
 * client alternates a session read and a tag swap of its own volume, so every swap should commit.
 * Prints one Markdown table row per operation: count, throughput, p50, p99, errors. The callers
 * speak HTTP/1.1 over blocking TLS sockets ({@link LoadConnection}), the setup uses {@link CasClient}.
 *
 * <p>Usage: {@code CasLoad URL FINGERPRINT IDENTITY_DIR CLIENTS SECONDS LABEL}
 */
public final class CasLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private CasLoad() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    String fingerprint = args[1];
    TlsIdentity identity = TlsIdentity.load(Path.of(args[2]));
    int clients = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    String label = args[5];
    String run = Long.toHexString(System.nanoTime());

    try (CasClient setup = CasClient.connect("bench", url, fingerprint, identity)) {
      for (int i = 0; i < clients; i++) {
        setup.createSession("name: bench-" + run + "-" + i + "\nvolumes:\n  - {name: V}\n");
      }
    }
    long[][] readNanos = new long[clients][];
    long[][] swapNanos = new long[clients][];
    AtomicLong errors = new AtomicLong();
    List<String> firstErrors = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    long[] endAt = new long[1];
    List<Thread> threads = new ArrayList<>();
    SSLContext tls = CasClient.pinnedTls(fingerprint, identity);
    for (int i = 0; i < clients; i++) {
      int me = i;
      Thread t = Thread.ofPlatform().name("client-" + i).start(() -> {
        String session = "bench-" + run + "-" + me;
        String readPath = "/v1/session?name=" + session;
        String volumePath = "/v1/volume?session=" + session + "&volume=V";
        String swapPath = "/v1/volume/swap?session=" + session + "&volume=V";
        long[] reads = new long[1 << 16];
        long[] swaps = new long[1 << 16];
        int nr = 0;
        int ns = 0;
        // handshake outside the measurement
        try (LoadConnection c = new LoadConnection(tls, url)) {
          ready.countDown();
          go.await();
          String tag = null;
          long gen = 0;
          while (System.nanoTime() < endAt[0]) {
            long t0 = System.nanoTime();
            int read = c.send("GET", readPath, null);
            long t1 = System.nanoTime();
            if (read != 200) {
              throw new IOException("a session read answered " + read + ": " + c.body());
            }
            if (nr == reads.length) {
              reads = Arrays.copyOf(reads, nr * 2);
            }
            reads[nr++] = t1 - t0;
            String next = String.format("%032x%032x", me, ++gen);
            String swap = "{\"old_tag\":" + (tag == null ? "null" : "\"" + tag + "\"") + ",\"new_tag\":\"" + next + "\"}";
            int swapped = c.send("POST", swapPath, swap);
            if (swapped == 200) {
              tag = next;
              if (ns == swaps.length) {
                swaps = Arrays.copyOf(swaps, ns * 2);
              }
              swaps[ns++] = System.nanoTime() - t1;
            } else {
              errors.incrementAndGet();
              synchronized (firstErrors) {
                if (firstErrors.size() < 5) {
                  firstErrors.add(swapped + ": " + c.body());
                }
              }
              c.send("GET", volumePath, null);
              tag = JSON.readTree(c.body()).path("tag").asText(null);
            }
          }
        } catch (IOException e) {
          errors.incrementAndGet();
          synchronized (firstErrors) {
            firstErrors.add("client " + me + ": " + e.getMessage());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        readNanos[me] = Arrays.copyOf(reads, nr);
        swapNanos[me] = Arrays.copyOf(swaps, ns);
      });
      threads.add(t);
    }
    ready.await();
    long start = System.nanoTime();
    endAt[0] = start + seconds * 1_000_000_000L;
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    row(label, "session read", readNanos, elapsed, -1);
    row(label, "tag swap", swapNanos, elapsed, errors.get());
    firstErrors.forEach(e -> System.err.println("error: " + e));
  }

  private static void row(String label, String op, long[][] perClient, double seconds, long errors) {
    long[] all = Arrays.stream(perClient).flatMapToLong(Arrays::stream).sorted().toArray();
    double p50 = all.length == 0 ? 0 : all[(int) (all.length * 0.50)] / 1e6;
    double p99 = all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6;
    System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f/s | %.1f ms | %.1f ms | %s |%n", label, op, all.length,
        all.length / seconds, p50, p99, errors < 0 ? "-" : Long.toString(errors));
  }
}
