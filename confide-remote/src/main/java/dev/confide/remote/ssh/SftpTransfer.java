package dev.confide.remote.ssh;

import dev.confide.volume.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * Copies a volume's directory tree to and from a host by SFTP. Only folders and regular files
 * travel; what comes back from the host is taken with suspicion (the host is not trusted): a name
 * that is not one plain path element, a link or a device is refused, and the volume's own
 * integrity check comes after anyway.
 */
final class SftpTransfer {
  /** The SFTP read and write size, and with MINA's asynchronous streams the pipelined window. */
  static final int BUFFER = 1 << 18;

  private SftpTransfer() {}

  /** Uploads {@code local} (a folder) as {@code remote}, which must not exist. */
  static long upload(ClientSession session, Path local, String remote, Progress progress, String task) throws IOException {
    List<Path> files = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    long total = 0;
    try (Stream<Path> walk = Files.walk(local)) {
      for (Path p : walk.sorted().toList()) {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(p);
        } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          files.add(p);
          total += Files.size(p);
        }
      }
    }
    progress.start(task, total);
    long sent = 0;
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
      for (Path d : dirs) {
        sftp.mkdir(remotePath(remote, local, d));
      }
      byte[] buf = new byte[BUFFER];
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f); OutputStream out = sftp.write(remotePath(remote, local, f), BUFFER)) {
          for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            progress.advance(n);
            sent += n;
          }
        }
      }
    } finally {
      progress.finish();
    }
    return sent;
  }

  /** Downloads {@code remote} (a folder on the host) into {@code local}, which must not exist. */
  static long download(ClientSession session, String remote, Path local, Progress progress, String task) throws IOException {
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
      List<Pending> files = new ArrayList<>();
      long[] total = {0};
      Files.createDirectory(local);
      walk(sftp, remote, local, files, total);
      progress.start(task, total[0]);
      long got = 0;
      byte[] buf = new byte[BUFFER];
      try {
        for (Pending f : files) {
          try (InputStream in = sftp.read(f.remote(), BUFFER); OutputStream out = Files.newOutputStream(f.local(),
              java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            for (int n; (n = in.read(buf)) > 0; ) {
              out.write(buf, 0, n);
              progress.advance(n);
              got += n;
            }
          }
        }
      } finally {
        progress.finish();
      }
      return got;
    }
  }

  private record Pending(String remote, Path local) {}

  private static void walk(SftpClient sftp, String remote, Path local, List<Pending> files, long[] total) throws IOException {
    List<SftpClient.DirEntry> entries = new ArrayList<>();
    sftp.readDir(remote).forEach(entries::add);
    for (SftpClient.DirEntry e : entries) {
      String name = e.getFilename();
      if (name.equals(".") || name.equals("..")) {
        continue;
      }
      if (name.isEmpty() || name.contains("/") || name.contains("\0")) {
        throw new IOException("the host listed an entry named '" + name + "' in " + remote);
      }
      SftpClient.Attributes a = e.getAttributes();
      Path to = local.resolve(name);
      if (a.isDirectory()) {
        Files.createDirectory(to);
        walk(sftp, remote + "/" + name, to, files, total);
      } else if (a.isRegularFile()) {
        files.add(new Pending(remote + "/" + name, to));
        total[0] += a.getSize();
      } else {
        throw new IOException("the host holds " + remote + "/" + name + ", neither a file nor a folder");
      }
    }
  }

  private static String remotePath(String remote, Path root, Path p) {
    String rel = root.relativize(p).toString();
    return rel.isEmpty() ? remote : remote + "/" + rel;
  }
}
