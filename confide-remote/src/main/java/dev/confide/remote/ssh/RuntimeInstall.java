package dev.confide.remote.ssh;

import dev.confide.attest.Hashes;
import dev.confide.cas.common.KeyDigests;
import dev.confide.remote.JobException;
import dev.confide.remote.RuntimeDistribution;
import dev.confide.runtime.ExitCodes;
import dev.confide.volume.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * Puts the runtime's distribution on a remote host ({@code confide host install}): into
 * {@code REMOTE_DIR/runtime/ID}, where ID names the exact set of files (the first 16 hex digits of
 * the SHA-256 of their {@code MANIFEST}, {@code sha256sum} lines), uploaded by SFTP into a fresh
 * partial folder, checked there with {@code sha256sum -c} and only then moved into place; its
 * {@code VERSION} file names what is installed. Installing what is there already, intact, sends
 * nothing; a changed file makes it install again. The AOT cache is not sent: it holds the paths
 * of the machine it was recorded on.
 */
public final class RuntimeInstall {
  /** What was installed where; {@code uploadedBytes} is 0 when it was there already. */
  public record Result(String id, String path, String version, boolean alreadyThere, long uploadedBytes) {}

  private record Entry(String relative, Path local, long size, String sha256, boolean executable) {}

  private RuntimeInstall() {}

  /** The distribution's files, their manifest, and the folder name and version they make. */
  private record Manifest(List<Entry> entries, byte[] bytes, String id, String version) {
    static Manifest of(RuntimeDistribution dist) throws IOException {
      List<Entry> entries = RuntimeInstall.entries(dist.home());
      StringBuilder manifest = new StringBuilder();
      for (Entry e : entries) {
        manifest.append(e.sha256()).append("  ").append(e.relative()).append('\n');
      }
      return of(dist, entries, manifest.toString());
    }

    /** The manifest as the cache beside the distribution keeps it; its entries are hashed only to install. */
    static Manifest cached(RuntimeDistribution dist) throws IOException {
      String text = dev.confide.remote.DistributionCache.get(dist.home(), "manifest", () -> {
        StringBuilder manifest = new StringBuilder();
        for (Entry e : RuntimeInstall.entries(dist.home())) {
          manifest.append(e.sha256()).append("  ").append(e.relative()).append('\n');
        }
        return manifest.toString();
      });
      return of(dist, null, text);
    }

    private static Manifest of(RuntimeDistribution dist, List<Entry> entries, String manifest) throws IOException {
      byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
      return new Manifest(entries, bytes, HexFormat.of().formatHex(KeyDigests.sha256(bytes)).substring(0, 16),
          RuntimeInstall.version(dist.jar()));
    }
  }

  /** The folder name ({@code ID}) and version {@code dist} has when installed: what {@code VERSION} then says. */
  public static String versionLine(RuntimeDistribution dist) throws IOException {
    Manifest m = Manifest.cached(dist);
    return m.id() + " " + m.version();
  }

  /**
   * What a run does before it starts the runtime: nothing when the host's {@code VERSION} names
   * this distribution's folder and that folder is there (the runtime measures itself at every run,
   * so a changed file shows there), else a whole {@link #install}.
   */
  public static Result ensure(SshConnection ssh, RuntimeDistribution dist, Progress progress) {
    try {
      Manifest m = Manifest.cached(dist);
      String dir = HostCheck.shellQuoted(ssh.host().remoteDir());
      List<String> lines = ssh.run("cd && mkdir -p -m 700 " + dir + "/runtime && cd " + dir + " && pwd && (cat runtime/VERSION"
          + " 2>/dev/null || echo -) && if [ -f runtime/" + m.id() + "/MANIFEST ]; then echo present; else echo -; fi").lines()
          .toList();
      if (lines.size() == 3 && lines.get(0).startsWith("/") && lines.get(1).strip().equals(m.id() + " " + m.version())
          && lines.get(2).strip().equals("present")) {
        return new Result(m.id(), lines.get(0).strip() + "/runtime/" + m.id(), m.version(), true, 0);
      }
      return install(ssh, Manifest.of(dist), progress);
    } catch (IOException e) {
      throw failed(ssh, e);
    }
  }

  public static Result install(SshConnection ssh, RuntimeDistribution dist, Progress progress) {
    try {
      return install(ssh, Manifest.of(dist), progress);
    } catch (IOException e) {
      throw failed(ssh, e);
    }
  }

  private static JobException failed(SshConnection ssh, IOException e) {
    return new JobException(ExitCodes.IO, "host_install_failed", "cannot install the runtime on " + ssh.host().name() + ": "
        + e.getMessage(), "check the host's free space and the login's rights in its remote folder", e);
  }

  private static Result install(SshConnection ssh, Manifest m, Progress progress) throws IOException {
    String name = ssh.host().name();
    List<Entry> entries = m.entries();
    byte[] manifestBytes = m.bytes();
    String id = m.id();
    String version = m.version();
    String base = ssh.run("cd && mkdir -p -m 700 " + HostCheck.shellQuoted(ssh.host().remoteDir()) + "/runtime && cd "
        + HostCheck.shellQuoted(ssh.host().remoteDir()) + " && pwd").strip();
    if (!base.startsWith("/")) {
      throw new JobException(ExitCodes.DATA, "host_install_failed", name + " named its folder '" + base + "'",
          "check the login's shell start-up files: they must print nothing");
    }
    String target = base + "/runtime/" + id;
    String q = HostCheck.shellQuoted(target);
    String versionFile = HostCheck.shellQuoted(base + "/runtime/VERSION");
    String record = "printf '%s\\n' " + HostCheck.shellQuoted(id + " " + version) + " > " + versionFile;
    if (ssh.run("if [ -f " + q + "/MANIFEST ] && (cd " + q + " && sha256sum -c --quiet MANIFEST >/dev/null 2>&1); then echo intact; else echo -; fi")
        .strip().equals("intact")) {
      ssh.run(record);
      return new Result(id, target, version, true, 0);
    }
    byte[] r = new byte[6];
    new SecureRandom().nextBytes(r);
    String partial = base + "/runtime/.partial-" + id + "-" + HexFormat.of().formatHex(r);
    String p = HostCheck.shellQuoted(partial);
    TreeSet<String> dirs = new TreeSet<>();
    for (Entry e : entries) {
      int slash = e.relative().lastIndexOf('/');
      if (slash > 0) {
        dirs.add(partial + "/" + e.relative().substring(0, slash));
      }
    }
    StringBuilder mkdir = new StringBuilder("mkdir -p -m 700 " + p);
    for (String d : dirs) {
      mkdir.append(' ').append(HostCheck.shellQuoted(d));
    }
    ssh.run(mkdir.toString());
    long total = entries.stream().mapToLong(Entry::size).sum();
    long sent = 0;
    progress.start("uploading the runtime to " + name, total);
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(ssh.session())) {
      for (Entry e : entries) {
        try (InputStream in = Files.newInputStream(e.local()); OutputStream out = sftp.write(partial + "/" + e.relative())) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            progress.advance(n);
            sent += n;
          }
        }
      }
      try (OutputStream out = sftp.write(partial + "/MANIFEST")) {
        out.write(manifestBytes);
      }
    } catch (IOException | RuntimeException e) {
      ssh.removeQuietly(partial);
      throw e;
    } finally {
      progress.finish();
    }
    StringBuilder chmod = new StringBuilder("cd " + p + " && chmod -R go-w . && chmod 755");
    boolean any = false;
    for (Entry e : entries) {
      if (e.executable()) {
        chmod.append(' ').append(HostCheck.shellQuoted(e.relative()));
        any = true;
      }
    }
    String verify = (any ? chmod + " && " : "cd " + p + " && ") + "sha256sum -c --quiet MANIFEST >/dev/null 2>&1 && echo intact || echo damaged";
    if (!ssh.run(verify).strip().equals("intact")) {
      ssh.removeQuietly(partial);
      throw new JobException(ExitCodes.IO, "host_install_failed", "the runtime uploaded to " + name
          + " does not match what was sent (sha256sum -c)", "check the host's disk and run 'confide host install " + name + "' again");
    }
    // another install of the same files may have finished meanwhile (two users' first runs at
    // once): its folder, intact, stays (a runtime may be starting from it); a damaged one is replaced
    ssh.run("if [ -f " + q + "/MANIFEST ] && (cd " + q + " && sha256sum -c --quiet MANIFEST >/dev/null 2>&1); then rm -rf " + p
        + "; else rm -rf " + q + " && mv " + p + " " + q + "; fi && " + record);
    return new Result(id, target, version, false, sent);
  }


  private static List<Entry> entries(Path home) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(home)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = home.relativize(f).toString();
        if (rel.equals(RuntimeDistribution.AOT_CACHE) || rel.endsWith(".tmp") || rel.startsWith(".")) {
          continue;
        }
        // a build copies bin/ without its mode (scripts/runtime-jre sets it): the layout says what runs
        boolean executable = Files.isExecutable(f) || rel.startsWith("bin/") || rel.startsWith("jre/bin/")
            || rel.endsWith("/jspawnhelper");
        entries.add(new Entry(rel, f, Files.size(f), Hashes.file(f), executable));
      }
    }
    return entries;
  }

  private static String version(Path jar) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      String v = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Implementation-Version");
      return v == null ? "development build" : v;
    }
  }
}
