package dev.confide.remote.ssh;

import dev.confide.remote.HostRun;
import dev.confide.remote.LocalRunDirectory;
import dev.confide.remote.RuntimeLaunch;
import dev.confide.remote.RuntimeProcess;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.events.RunLaunch;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * One run on a remote host: its directory there, the ciphertext sent and fetched by SFTP (sealed
 * first into a private directory here, {@link LocalRunDirectory}), and the runtime on its exec
 * channel. A CAS on this machine's loopback is forwarded to the host's loopback through the SSH
 * connection for the run's length only; the runtime still checks the CAS's key.
 */
final class SshRun implements HostRun {
  /** How often a lost connection is logged in to again during an upload before the run gives up. */
  static final int RECONNECTS = 3;
  /** The wait before the first new login; doubled before each next one. */
  static final long FIRST_WAIT_MILLIS = 500;

  private final KeptHosts.Lease lease;
  private final SshHost.Prepared prepared;
  private final String dir;
  private final LocalRunDirectory local;
  private final SshHost.Progresses progress;
  private final PrintWriter notices;
  private final java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
  private volatile RuntimeProcess runtime;
  private ExplicitPortForwardingTracker forward;
  private volatile boolean keep;

  SshRun(KeptHosts.Lease lease, SshHost.Prepared prepared, LocalRunDirectory local, SshHost.Progresses progress,
      PrintWriter notices) {
    this.lease = lease;
    this.prepared = prepared;
    this.dir = prepared.dir();
    this.runtime = prepared.runtime();
    this.local = local;
    this.progress = progress;
    this.notices = notices;
  }

  private SshConnection ssh() {
    return lease.ssh();
  }

  @Override
  public void put(String name, PhaseClock clock, VolumeWriter writer) throws IOException {
    Path sealed = local.dir().resolve(name);
    try {
      clock.timed("seal " + name, () -> {
        writer.write(sealed);
        return null;
      });
      clock.timed("upload " + name, () -> upload(sealed, name));
    } finally {
      delete(sealed);
    }
  }

  /**
   * Uploads the sealed volume; a connection lost meanwhile is logged in to again (up to {@link
   * #RECONNECTS} times), the runtime started anew in the same directory, and only what the host
   * had not acknowledged is sent again.
   */
  private long upload(Path sealed, String name) throws IOException {
    SftpTransfer.Upload upload = SftpTransfer.Upload.of(sealed, dir + "/" + name);
    String doing = "uploading " + name;
    for (int attempt = 1; ; attempt++) {
      try {
        upload.send(ssh().session(), progress.upload(), doing + " to " + ssh().host().name());
        return upload.total();
      } catch (IOException e) {
        if (cancelled.getCount() == 0 || !lost(ssh().session())) {
          throw e;
        }
        if (attempt > RECONNECTS) {
          throw new dev.confide.remote.JobException(dev.confide.runtime.ExitCodes.UNAVAILABLE, "connection_lost",
              "lost the connection to " + ssh().host().name() + " while " + doing + ", " + RECONNECTS + " times", "run it again"
              + " when the host is reachable", e);
        }
        reconnect(attempt, doing, upload);
      }
    }
  }

  /** How long a failed write waits for its session to say whether the connection is gone. */
  private static final java.time.Duration CLOSING_WAIT = java.time.Duration.ofSeconds(2);

  /**
   * Whether {@code session}'s connection is gone: a write the connection's end cut off can fail
   * (its channel closed first) an instant before the session itself notices, so a session still open
   * is given {@link #CLOSING_WAIT} to close; one that stays open failed for another reason.
   */
  private static boolean lost(org.apache.sshd.client.session.ClientSession session) {
    if (session.isOpen()) {
      session.waitFor(java.util.EnumSet.of(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED), CLOSING_WAIT);
    }
    return !session.isOpen();
  }

  /** Logs in again after a wait and starts the runtime anew in this run's directory (its predecessor ended with its channel). */
  private void reconnect(int attempt, String doing, SftpTransfer.Upload upload) throws IOException {
    String host = ssh().host().name();
    notices.println("confide: lost the connection to " + host + " while " + doing + " (" + upload.sent() + " of "
        + upload.total() + " bytes acknowledged); logging in again, " + attempt + " of " + RECONNECTS);
    notices.flush();
    try {
      if (cancelled.await(FIRST_WAIT_MILLIS << (attempt - 1), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new dev.confide.runtime.RuntimeFailure(dev.confide.runtime.RuntimeFailure.Kind.CANCELLED,
            "the run was cancelled; nothing was committed", "run it again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting to log in to " + host + " again");
    }
    runtime.cancel();
    SshConnection again;
    try {
      again = lease.reconnect();
    } catch (IOException | RuntimeException e) {
      throw new dev.confide.remote.JobException(dev.confide.runtime.ExitCodes.UNAVAILABLE, "connection_lost",
          "lost the connection to " + host + " while " + doing + " and could not log in again: " + SshHost.firstLine(e),
          "run it again when the host is reachable", e);
    }
    RuntimeProcess restarted = SshHost.startRuntime(again, prepared.installed(), dir, prepared.hostKeyHash());
    restarted.attach(notices);
    runtime = restarted;
  }

  @Override
  public <T> T get(String name, PhaseClock clock, VolumeReading<T> reader) throws IOException {
    Path fetched = local.dir().resolve(name);
    try {
      clock.timed("download " + name, () -> {
        try {
          return SftpTransfer.download(ssh().session(), dir + "/" + name, fetched, progress.download(), "downloading " + name
              + " from " + ssh().host().name());
        } catch (IOException e) {
          throw lost(e, "downloading " + name);
        }
      });
      return clock.timed("unseal", () -> reader.read(fetched));
    } finally {
      delete(fetched);
    }
  }

  @Override
  public RunReport run(RuntimeLaunch launch, PhaseClock.Listener listener) throws Exception {
    Map<String, Path> volumes = new LinkedHashMap<>();
    launch.volumes().forEach(v -> volumes.put(v, Path.of(dir, v)));
    runtime.launch(new RunLaunch(reachable(launch.cas()), launch.casFingerprint(), launch.session(), launch.service(), volumes,
        launch.streamOutput(), launch.memoryBytes(), null, null, null, null, launch.plan()));
    try {
      return runtime.await(listener);
    } catch (dev.confide.cas.common.CasException e) {
      if (!"attestation_measurement_not_allowed".equals(e.error())) {
        throw e;
      }
      // the session named the program the user confirmed there; the host's runtime measured another
      throw new dev.confide.remote.JobException(dev.confide.runtime.ExitCodes.INTEGRITY, "measurement_refused", e.getMessage(),
          "the program or runtime on " + ssh().host().name() + " is not the one you confirmed there: 'confide host check "
          + ssh().host().name() + "' shows what it runs now (confirm it with --confirm APP only if its operator changed it on"
          + " purpose)", e);
    } catch (dev.confide.runtime.RuntimeFailure e) {
      if (ssh().session().isOpen() || e.kind() == dev.confide.runtime.RuntimeFailure.Kind.CANCELLED) {
        throw e;
      }
      throw new dev.confide.remote.JobException(dev.confide.runtime.ExitCodes.UNAVAILABLE, "connection_lost",
          "lost the connection to " + ssh().host().name() + " during the run", "its runtime stops when its channel closes and"
          + " commits nothing unless it had finished; run it again", e);
    }
  }

  /** A transfer's failure as the user should read it: a lost connection said as such, anything else as it was. */
  private IOException lost(IOException e, String doing) {
    if (ssh().session().isOpen()) {
      return e;
    }
    throw new dev.confide.remote.JobException(dev.confide.runtime.ExitCodes.UNAVAILABLE, "connection_lost",
        "lost the connection to " + ssh().host().name() + " while " + doing, "run it again", e);
  }

  /** A CAS on this machine's loopback, as the host reaches it: a forward from the host's loopback, over this connection. */
  private URI reachable(URI cas) throws IOException {
    InetAddress address = InetAddress.getByName(cas.getHost());
    if (!address.isLoopbackAddress()) {
      return cas;
    }
    forward = ssh().session().createRemotePortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
        new SshdSocketAddress(cas.getHost(), cas.getPort()));
    int port = forward.getBoundAddress().getPort();
    return URI.create(cas.getScheme() + "://127.0.0.1:" + port + (cas.getRawPath() == null ? "" : cas.getRawPath()));
  }

  @Override
  public void cancel() {
    cancelled.countDown();
    runtime.cancel();
  }

  @Override
  public java.util.Optional<String> location() {
    return java.util.Optional.of(dir);
  }

  @Override
  public void keep() {
    keep = true;
  }

  @Override
  public void close() {
    try {
      runtime.stop(SshHost.STOP_SECONDS);
    } finally {
      try {
        if (forward != null) {
          forward.close();
        }
      } catch (IOException ignored) {
        // the connection closes next anyway
      }
      if (!keep) {
        ssh().removeQuietly(dir);
      }
      local.close();
    }
  }

  private static void delete(Path tree) throws IOException {
    if (!Files.exists(tree)) {
      return;
    }
    try (var walk = Files.walk(tree)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
