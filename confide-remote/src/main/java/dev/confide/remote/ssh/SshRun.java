package dev.confide.remote.ssh;

import dev.confide.remote.HostRun;
import dev.confide.remote.LocalRunDirectory;
import dev.confide.remote.RuntimeLaunch;
import dev.confide.remote.RuntimeProcess;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.events.RunLaunch;
import java.io.IOException;
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
  private final SshConnection ssh;
  private final String dir;
  private final RuntimeProcess runtime;
  private final LocalRunDirectory local;
  private final SshHost.Progresses progress;
  private ExplicitPortForwardingTracker forward;
  private volatile boolean keep;

  SshRun(SshConnection ssh, String dir, RuntimeProcess runtime, LocalRunDirectory local, SshHost.Progresses progress) {
    this.ssh = ssh;
    this.dir = dir;
    this.runtime = runtime;
    this.local = local;
    this.progress = progress;
  }

  @Override
  public void put(String name, PhaseClock clock, VolumeWriter writer) throws IOException {
    Path sealed = local.dir().resolve(name);
    try {
      clock.timed("seal " + name, () -> {
        writer.write(sealed);
        return null;
      });
      clock.timed("upload " + name, () -> {
        try {
          return SftpTransfer.upload(ssh.session(), sealed, dir + "/" + name, progress.upload(), "uploading " + name + " to "
              + ssh.host().name());
        } catch (IOException e) {
          throw lost(e, "uploading " + name);
        }
      });
    } finally {
      delete(sealed);
    }
  }

  @Override
  public <T> T get(String name, PhaseClock clock, VolumeReading<T> reader) throws IOException {
    Path fetched = local.dir().resolve(name);
    try {
      clock.timed("download " + name, () -> {
        try {
          return SftpTransfer.download(ssh.session(), dir + "/" + name, fetched, progress.download(), "downloading " + name
              + " from " + ssh.host().name());
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
        launch.streamOutput()));
    try {
      return runtime.await(listener);
    } catch (dev.confide.cas.common.CasException e) {
      if (!"attestation_measurement_not_allowed".equals(e.error())) {
        throw e;
      }
      // the session named the program the user confirmed there; the host's runtime measured another
      throw new dev.confide.remote.JobException(dev.confide.runtime.ExitCodes.INTEGRITY, "measurement_refused", e.getMessage(),
          "the program or runtime on " + ssh.host().name() + " is not the one you confirmed there: 'confide host check "
          + ssh.host().name() + "' shows what it runs now (confirm it with --confirm APP only if its operator changed it on"
          + " purpose)", e);
    } catch (dev.confide.runtime.RuntimeFailure e) {
      if (ssh.session().isOpen() || e.kind() == dev.confide.runtime.RuntimeFailure.Kind.CANCELLED) {
        throw e;
      }
      throw new dev.confide.remote.JobException(dev.confide.runtime.ExitCodes.UNAVAILABLE, "connection_lost",
          "lost the connection to " + ssh.host().name() + " during the run", "its runtime stops when its channel closes and"
          + " commits nothing unless it had finished; run it again", e);
    }
  }

  /** A transfer's failure as the user should read it: a lost connection said as such, anything else as it was. */
  private IOException lost(IOException e, String doing) {
    if (ssh.session().isOpen()) {
      return e;
    }
    throw new dev.confide.remote.JobException(dev.confide.runtime.ExitCodes.UNAVAILABLE, "connection_lost",
        "lost the connection to " + ssh.host().name() + " while " + doing, "run it again", e);
  }

  /** A CAS on this machine's loopback, as the host reaches it: a forward from the host's loopback, over this connection. */
  private URI reachable(URI cas) throws IOException {
    InetAddress address = InetAddress.getByName(cas.getHost());
    if (!address.isLoopbackAddress()) {
      return cas;
    }
    forward = ssh.session().createRemotePortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
        new SshdSocketAddress(cas.getHost(), cas.getPort()));
    int port = forward.getBoundAddress().getPort();
    return URI.create(cas.getScheme() + "://127.0.0.1:" + port + (cas.getRawPath() == null ? "" : cas.getRawPath()));
  }

  @Override
  public void cancel() {
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
      try {
        if (!keep) {
          ssh.run("rm -rf " + HostCheck.shellQuoted(dir));
        }
      } catch (IOException ignored) {
        // the next run's sweep removes it: it holds ciphertext only
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
