package dev.confide.remote.ssh;

import dev.confide.remote.JobException;
import dev.confide.remote.Podman;
import dev.confide.remote.RuntimeDistribution;
import dev.confide.runtime.ExitCodes;
import dev.confide.volume.Progress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A converted image's service run under podman on a remote host (docs/images.md): the runtime
 * installed there as for any run (its key signs the simulated evidence), the image uploaded by SFTP
 * and loaded only when podman there lacks its manifest digest, each volume's ciphertext kept in
 * {@code REMOTE_DIR/images/SESSION/NAME} between runs, a CAS on this machine's loopback forwarded
 * to the host's for the run's length, and the container's output read line by line.
 */
public final class SshImageRun {
  /** Where the host key is mounted in the container. */
  public static final String HOST_KEY_IN_CONTAINER = "/run/confide/host-key";

  private final SshConnection ssh;
  private final String base;
  private final String hostKeyHash;

  private SshImageRun(SshConnection ssh, String base, String hostKeyHash) {
    this.ssh = ssh;
    this.base = base;
    this.hostKeyHash = hostKeyHash;
  }

  /** The host's runtime installed (when missing) and its evidence key made (once); refused when the host has no podman. */
  public static SshImageRun prepare(SshConnection ssh, RuntimeDistribution distribution, Progress install) throws IOException {
    String name = ssh.host().name();
    String found = ssh.run("command -v podman >/dev/null 2>&1 && echo podman || echo none").strip();
    if (!found.equals("podman")) {
      throw new JobException(ExitCodes.UNAVAILABLE, "no_podman", name + " has no podman: a converted image runs under it",
          "have it installed there: apt-get install podman");
    }
    RuntimeInstall.Result installed = RuntimeInstall.ensure(ssh, distribution, install);
    String base = SshHost.baseOf(installed);
    String hash = ssh.run("set -e; cd " + HostCheck.shellQuoted(base) + "; " + SshHost.hostKeyScript(installed)).strip();
    if (!hash.matches("[0-9a-f]{64}")) {
      throw new JobException(ExitCodes.DATA, "bad_evidence_key", name + " gave '" + hash + "' as its evidence key's hash",
          "remove " + base + "/host.key.hash there and run again");
    }
    return new SshImageRun(ssh, base, hash);
  }

  /** The host's key for simulated evidence: the user added this host, so it counts for the user's own sessions. */
  public String hostKeyHash() {
    return hostKeyHash;
  }

  /** Whether podman there holds {@code reference} at manifest digest {@code digest}. */
  public boolean has(String reference, String digest) throws IOException {
    if (digest == null) {
      return false;
    }
    String said = ssh.run("podman image inspect --format '{{.Digest}}' " + HostCheck.shellQuoted(reference)
        + " 2>/dev/null || true").strip();
    return said.equals(digest);
  }

  /** Uploads {@code image} by SFTP and loads it into podman there; the upload is removed afterwards. */
  public void load(Path image, Progress upload) throws IOException {
    String incoming = base + "/images/incoming-" + Long.toHexString(System.nanoTime());
    ssh.run("mkdir -p -m 700 " + HostCheck.shellQuoted(base + "/images"));
    Path folder = Files.createTempDirectory(image.toAbsolutePath().getParent(), ".confide-upload-");
    try {
      Path linked = folder.resolve("image.tar");
      try {
        Files.createLink(linked, image.toAbsolutePath());
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(image, linked, StandardCopyOption.COPY_ATTRIBUTES);
      }
      SftpTransfer.Upload.of(folder, incoming).send(ssh.session(), upload, "upload image");
      try {
        ssh.run("podman load -i " + HostCheck.shellQuoted(incoming + "/image.tar") + " >/dev/null");
      } catch (IOException e) {
        throw new JobException(ExitCodes.UNAVAILABLE, "podman_load", "podman on " + ssh.host().name() + " cannot load the image: "
            + SshHost.firstLine(e), "check that podman works there: podman images", e);
      }
    } finally {
      ssh.removeQuietly(incoming);
      try (var left = Files.list(folder)) {
        for (Path p : left.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(folder);
    }
  }

  /**
   * Runs {@code reference}: its volumes ({@code name} to the path the image expects) kept under
   * {@code REMOTE_DIR/images/SESSION/}, the CAS (forwarded when on this machine's loopback) and its
   * fingerprint in the environment, the host key mounted; output to {@code lines}; the exit code.
   */
  public int run(String reference, String name, String session, Map<String, String> volumes, URI cas, String fingerprint,
      List<String> extra, Consumer<String> lines) throws IOException {
    String dirs = base + "/images/" + session.replace('/', '_');
    List<Podman.Mount> mounts = new ArrayList<>(List.of(new Podman.Mount(base + "/host.key", HOST_KEY_IN_CONTAINER, true)));
    StringBuilder mkdir = new StringBuilder("mkdir -p -m 700");
    for (Map.Entry<String, String> v : volumes.entrySet()) {
      String dir = dirs + "/" + v.getKey();
      mkdir.append(' ').append(HostCheck.shellQuoted(dir));
      mounts.add(new Podman.Mount(dir, v.getValue(), false));
    }
    ssh.run(mkdir.toString());
    ExplicitPortForwardingTracker forward = null;
    try {
      URI reachable = cas;
      if (InetAddress.getByName(cas.getHost()).isLoopbackAddress()) {
        forward = ssh.session().createRemotePortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
            new SshdSocketAddress(cas.getHost(), cas.getPort()));
        reachable = URI.create(cas.getScheme() + "://127.0.0.1:" + forward.getBoundAddress().getPort());
      }
      Map<String, String> env = new LinkedHashMap<>();
      env.put(dev.confide.runtime.ContainerLaunch.CAS, reachable.toString());
      env.put(dev.confide.runtime.ContainerLaunch.FINGERPRINT, fingerprint);
      env.put(dev.confide.runtime.ContainerLaunch.HOST_KEY, HOST_KEY_IN_CONTAINER);
      // nothing in them is secret: the CAS's address, its key's fingerprint, a path
      List<String> given = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
      StringBuilder command = new StringBuilder("exec podman");
      for (String a : Podman.runArguments(reference, name, given, mounts, extra)) {
        command.append(' ').append(HostCheck.shellQuoted(a));
      }
      ExecChannel channel = ExecChannel.open(ssh.session(), command.toString());
      channel.stdin().close();
      Thread errors = Thread.ofPlatform().daemon().name("confide-image-stderr").start(() -> copyLines(channel.stderr(), lines));
      copyLines(channel.stdout(), lines);
      channel.waitFor();
      try {
        errors.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.kill();
      }
      return channel.exitValue();
    } finally {
      if (forward != null) {
        forward.close();
      }
    }
  }

  /** Stops container {@code name} there as a cancelled run is stopped ({@link Podman#stop}). */
  public void stop(String name) {
    StringBuilder command = new StringBuilder("podman");
    Podman.stopArguments(name).forEach(a -> command.append(' ').append(HostCheck.shellQuoted(a)));
    try {
      ssh.run(command + " >/dev/null 2>&1 || true");
    } catch (IOException e) {
      // a lost connection: the host's podman ends the container when its exec channel closes
    }
  }

  private static void copyLines(InputStream in, Consumer<String> lines) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (lines) {
          lines.accept(line);
        }
      }
    } catch (IOException e) {
      // the channel closed under the reader: the exit status says how the run ended
    }
  }
}
