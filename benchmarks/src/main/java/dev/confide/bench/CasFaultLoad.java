package dev.confide.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.TlsIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.SSLContext;

/**
 * Tag swaps while the script breaks things (bench/cas-faults.sh): CLIENTS callers, each moving its
 * own rollback-protected volume through its own sequence of tags, through one address (HAProxy in
 * front of CAS replicas). A caller whose connection breaks, or who is answered 5xx, connects again
 * (HAProxy sends it to a replica that is up) and asks again. A swap counts as acknowledged when it
 * is answered 200, or when its retry finds the volume already at its new tag (the first request
 * committed, and its answer was lost with the connection): the caller moves on only then.
 *
 * <p>Runs until its standard input closes; the script injects faults meanwhile, and closes it once
 * every fault is healed. Then every volume is read back: its tag must be the caller's last
 * acknowledged one and its generation the number of swaps the caller had acknowledged. A lower
 * generation or another tag is an acknowledged swap lost; a higher one a swap applied twice. Per
 * 100 ms it writes to TIMELINE a line "epoch-ms acknowledged failed" (recovery times are read from it).
 *
 * <p>Usage: CasFaultLoad URL FINGERPRINT IDENTITY_DIR CLIENTS TIMELINE
 */
public final class CasFaultLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BUCKET_MS = 100;
  private static final int MAX_BUCKETS = 36_000; // an hour

  private CasFaultLoad() {}

  /** One caller's place in its sequence: its last acknowledged tag and how many swaps it acknowledged. */
  private static final class Caller {
    final int me;
    final String volumePath;
    final String swapPath;
    String tag;
    long acknowledged;
    long retries;
    long foundCommitted;
    String anomaly;

    Caller(int me, String session) {
      this.me = me;
      this.volumePath = "/v1/volume?session=" + session + "&volume=V";
      this.swapPath = "/v1/volume/swap?session=" + session + "&volume=V";
    }
  }

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    String fingerprint = args[1];
    TlsIdentity identity = TlsIdentity.load(Path.of(args[2]));
    int clients = Integer.parseInt(args[3]);
    Path timeline = Path.of(args[4]);
    String run = Long.toHexString(System.nanoTime());
    try (CasClient setup = CasClient.connect("bench", url, fingerprint, identity)) {
      for (int i = 0; i < clients; i++) {
        setup.createSession("name: faults-" + run + "-" + i + "\nvolumes:\n  - {name: V}\n");
      }
    }
    SSLContext tls = CasClient.pinnedTls(fingerprint, identity);
    long origin = System.currentTimeMillis();
    AtomicLongArray acked = new AtomicLongArray(MAX_BUCKETS);
    AtomicLongArray failed = new AtomicLongArray(MAX_BUCKETS);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong lastBucket = new AtomicLong();
    List<Caller> callers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Caller caller = new Caller(i, "faults-" + run + "-" + i);
      callers.add(caller);
      threads.add(Thread.ofPlatform().name("caller-" + i).start(() -> {
        LoadConnection c = null;
        try {
          while (!stop.get()) {
            String next = String.format(Locale.ROOT, "%032x%032x", caller.me + 1, caller.acknowledged + 1);
            String body = "{\"old_tag\":" + (caller.tag == null ? "null" : "\"" + caller.tag + "\"")
                + ",\"new_tag\":\"" + next + "\"}";
            boolean retry = false;
            while (true) {
              try {
                if (c == null) {
                  c = new LoadConnection(tls, url);
                }
                int status = c.send("POST", caller.swapPath, body);
                if (status == 200) {
                  break;
                }
                if (status == 409 && retry) {
                  // a retry refused: did the first request commit before its answer was lost?
                  if (c.send("GET", caller.volumePath, null) != 200) {
                    throw new IOException("volume read answered " + c.body());
                  }
                  String now = JSON.readTree(c.body()).path("tag").asText(null);
                  if (next.equals(now)) {
                    caller.foundCommitted++;
                    break;
                  }
                  if (caller.tag == null ? now == null : caller.tag.equals(now)) {
                    continue;
                  }
                  caller.anomaly = "volume at " + now + ", neither " + caller.tag + " nor " + next;
                  return;
                }
                if (status < 500) {
                  caller.anomaly = "swap answered " + status + ": " + c.body();
                  return;
                }
                failed.incrementAndGet(bucket(origin, lastBucket));
              } catch (IOException broken) {
                failed.incrementAndGet(bucket(origin, lastBucket));
                if (c != null) {
                  try {
                    c.close();
                  } catch (IOException ignored) {
                    // already broken
                  }
                }
                c = null;
              }
              retry = true;
              caller.retries++;
              Thread.sleep(20); // a caller backing off before it asks again; not a measurement
            }
            caller.tag = next;
            caller.acknowledged++;
            acked.incrementAndGet(bucket(origin, lastBucket));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          if (c != null) {
            try {
              c.close();
            } catch (IOException ignored) {
              // closing at the end
            }
          }
        }
      }));
    }
    while (System.in.read() >= 0) {
      // the script closes our input once every fault is healed
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(timeline))) {
      for (int b = 0; b <= lastBucket.get(); b++) {
        out.println((origin + b * BUCKET_MS) + " " + acked.get(b) + " " + failed.get(b));
      }
    }
    long lost = 0;
    long twice = 0;
    long total = 0;
    long retries = 0;
    long foundCommitted = 0;
    List<String> anomalies = new ArrayList<>();
    try (CasClient check = CasClient.connect("bench", url, fingerprint, identity)) {
      for (Caller caller : callers) {
        total += caller.acknowledged;
        retries += caller.retries;
        foundCommitted += caller.foundCommitted;
        if (caller.anomaly != null) {
          anomalies.add("caller " + caller.me + ": " + caller.anomaly);
        }
        dev.confide.cas.api.VolumeState v = check.volume("faults-" + run + "-" + caller.me, "V");
        long generation = v.generation();
        String tag = v.tag() == null ? null : v.tag().hex();
        if (generation < caller.acknowledged || !String.valueOf(caller.tag).equals(String.valueOf(tag))) {
          lost += Math.max(1, caller.acknowledged - generation);
        } else if (generation > caller.acknowledged) {
          twice += generation - caller.acknowledged;
        }
      }
    }
    System.out.printf(Locale.ROOT, "acknowledged %d swaps (%d found committed on retry), %d retries, lost %d, applied twice %d,"
        + " anomalies %d%n", total, foundCommitted, retries, lost, twice, anomalies.size());
    anomalies.stream().limit(5).forEach(a -> System.out.println("anomaly: " + a));
    System.exit(lost == 0 && twice == 0 && anomalies.isEmpty() ? 0 : 1);
  }

  private static int bucket(long origin, AtomicLong last) {
    int b = (int) Math.min(MAX_BUCKETS - 1, (System.currentTimeMillis() - origin) / BUCKET_MS);
    last.accumulateAndGet(b, Math::max);
    return b;
  }
}
