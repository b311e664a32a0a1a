package dev.confide.remote.ssh;

import dev.confide.remote.RuntimeDistribution;
import dev.confide.volume.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Logged-in connections to remote hosts kept by a long-lived process (the user's daemon) between
 * runs, each with the next run's directory already made there and its runtime started and warming
 * up ({@link SshHost.Prepared}): a run that follows skips the SSH handshake, the host's preparation
 * and its runtime's start (docs/benchmarks.md). A kept connection serves only a run whose host
 * profile, known-hosts files and {@code --host-key} are exactly those it was opened with (a removed
 * known-hosts entry, or a changed profile, means a new login, checked anew). The spare runtime holds
 * no secret until a run launches it, and serves that one run. {@link #none()} keeps nothing: each
 * run logs in and its connection closes with it.
 */
public final class KeptHosts implements AutoCloseable {
  /** How long a spare told to stop may take to end before its channel is closed. */
  private static final long STOP_SECONDS = 10;

  /** What a kept connection was opened for; another key is another login. */
  public record Key(HostProfile host, String knownHostsDigest, String hostKey, Path runtime) {
    /** The key of a login to {@code host} checked against {@code knownHosts} (their bytes now) and {@code hostKey} (null: none). */
    public static Key of(HostProfile host, List<Path> knownHosts, String hostKey, RuntimeDistribution runtime) throws IOException {
      List<Path> files = new ArrayList<>(knownHosts);
      files.addAll(host.hostKeys().knownHostsFiles());
      MessageDigest d;
      try {
        d = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      for (Path f : files) {
        d.update((f.toAbsolutePath() + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
          d.update(Files.readAllBytes(f));
        } catch (NoSuchFileException absent) {
          d.update((byte) 1);
        }
        d.update((byte) 0);
      }
      return new Key(host, HexFormat.of().formatHex(d.digest()), hostKey, runtime.home().toAbsolutePath());
    }
  }

  /** How a lease logs in when nothing is kept for its key. */
  public interface Login {
    SshConnection open() throws IOException;
  }

  private record Entry(SshConnection ssh, CompletableFuture<SshHost.Prepared> spare) {}

  private final Map<Key, Entry> kept = new HashMap<>();
  private boolean closed;

  private KeptHosts(boolean closed) {
    this.closed = closed;
  }

  /** Keeps a connection and a spare per host between runs (a daemon's). */
  public static KeptHosts keeping() {
    return new KeptHosts(false);
  }

  /** Keeps nothing: every lease logs in, and its connection closes when released. */
  public static KeptHosts none() {
    return new KeptHosts(true);
  }

  /**
   * A connection for one run: the one kept for {@code key}'s value now (with its spare), or a new
   * login by {@code login}. The key is taken again on {@link Lease#release()}: what the login
   * itself wrote to the known hosts (a confirmed key) belongs to the kept connection's key.
   */
  public Lease lease(RuntimeDistribution runtime, Callable<Key> key, Login login) throws IOException {
    Key now = keyOf(key);
    Entry entry = take(now);
    if (entry != null) {
      return new Lease(entry.ssh(), entry.spare(), runtime, key, login);
    }
    return new Lease(login.open(), null, runtime, key, login);
  }

  private synchronized Entry take(Key key) {
    Entry e = kept.remove(key);
    if (e == null) {
      return null;
    }
    if (!e.ssh().session().isOpen()) {
      e.ssh().close();
      return null;
    }
    return e;
  }

  private static Key keyOf(Callable<Key> key) throws IOException {
    try {
      return key.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Keeps {@code ssh} for {@code key} and prepares the next run there on a thread of its own; closes it when not kept. */
  private void giveBack(Key key, SshConnection ssh, RuntimeDistribution runtime) {
    CompletableFuture<SshHost.Prepared> spare = new CompletableFuture<>();
    synchronized (this) {
      if (closed || kept.containsKey(key) || !ssh.session().isOpen()) {
        spare = null;
      } else {
        kept.put(key, new Entry(ssh, spare));
      }
    }
    if (spare == null) {
      ssh.close();
      return;
    }
    CompletableFuture<SshHost.Prepared> preparing = spare;
    Thread.ofPlatform().daemon().name("confide-host-spare").start(() -> {
      try {
        preparing.complete(SshHost.prepareOn(ssh, runtime, Progress.NONE));
      } catch (IOException | RuntimeException e) {
        // the next run prepares its own on this connection, or logs in again, and says why if it cannot
        preparing.completeExceptionally(e);
      }
    });
  }

  /**
   * The run directories prepared on the kept connections' hosts, once each preparation has ended
   * (one that failed is left out): what the next runs will use.
   */
  public List<String> preparedDirs() {
    List<Entry> all;
    synchronized (this) {
      all = List.copyOf(kept.values());
    }
    List<String> dirs = new ArrayList<>();
    for (Entry e : all) {
      SshHost.Prepared p = e.spare().exceptionally(failed -> null).join();
      if (p != null) {
        dirs.add(p.dir());
      }
    }
    return dirs;
  }

  /** How many connections are kept (the daemon's status). */
  public synchronized int size() {
    return kept.size();
  }

  /** Closes every kept connection, its spare runtime stopped and its directory removed; none is kept afterwards. */
  @Override
  public void close() {
    List<Entry> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(kept.values());
      kept.clear();
    }
    for (Entry e : all) {
      discard(e.ssh(), e.spare());
    }
  }

  private static void discard(SshConnection ssh, CompletableFuture<SshHost.Prepared> spare) {
    try {
      stop(ssh, spare);
    } finally {
      ssh.close();
    }
  }

  /** Stops the spare runtime, once prepared, and removes its directory (it held nothing of anyone's). */
  private static void stop(SshConnection ssh, CompletableFuture<SshHost.Prepared> spare) {
    SshHost.Prepared p = spare.exceptionally(failed -> null).join();
    if (p != null) {
      p.runtime().stop(STOP_SECONDS);
      ssh.removeQuietly(p.dir());
    }
  }

  /** One run's use of a connection: its spare (if one was prepared) taken once, the connection given back at the end. */
  public final class Lease {
    private final RuntimeDistribution runtime;
    private final Callable<Key> key;
    private final Login login;
    private volatile SshConnection ssh;
    private CompletableFuture<SshHost.Prepared> spare;
    private boolean released;

    private Lease(SshConnection ssh, CompletableFuture<SshHost.Prepared> spare, RuntimeDistribution runtime, Callable<Key> key,
        Login login) {
      this.ssh = ssh;
      this.spare = spare;
      this.runtime = runtime;
      this.key = key;
      this.login = login;
    }

    /** The connection now (another after {@link #reconnect()}). */
    public SshConnection ssh() {
      return ssh;
    }

    /** Logs in again, as the first login did (its host key checked anew), after the connection was lost. */
    synchronized SshConnection reconnect() throws IOException {
      ssh.close();
      ssh = login.open();
      return ssh;
    }

    /** The run prepared ahead on this connection, if any and still alive; null once taken or when there is none. */
    synchronized SshHost.Prepared takeSpare() {
      CompletableFuture<SshHost.Prepared> s = spare;
      spare = null;
      if (s == null) {
        return null;
      }
      SshHost.Prepared p = s.exceptionally(failed -> null).join();
      if (p != null && !p.runtime().alive()) {
        ssh.removeQuietly(p.dir());
        return null;
      }
      return p;
    }

    /** The run is over: the connection is kept for the next (a spare prepared), or closed. */
    public synchronized void release() {
      if (released) {
        return;
      }
      released = true;
      if (spare != null) {
        // never taken (the run stopped before its preparation): its spare goes with it
        stop(ssh, spare);
        spare = null;
      }
      Key now;
      try {
        now = keyOf(key);
      } catch (IOException | RuntimeException e) {
        ssh.close();
        return;
      }
      giveBack(now, ssh, runtime);
    }
  }
}
