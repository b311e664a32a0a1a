package dev.confide.remote.ssh;

import dev.confide.volume.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtension;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpInputStreamAsync;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;

/**
 * Copies a volume's directory tree to and from a host by SFTP, in pieces of up to {@link #PIECE}
 * bytes over {@link #CHANNELS} SFTP channels at once, each pipelining its requests (MINA's
 * asynchronous streams), with requests as large as the server allows ({@code limits@openssh.com},
 * else the 32 KiB every server takes): one channel of small requests ran at a third of scp's
 * rate (docs/benchmarks.md). Only folders and regular files travel; what comes back from the host
 * is taken with suspicion (the host is not trusted): a name that is not one plain path element, a
 * link or a device is refused, and the volume's own integrity check comes after anyway.
 */
final class SftpTransfer {
  /** SFTP channels used at once. */
  static final int CHANNELS = 4;
  /** The largest piece of a file one channel sends or fetches before taking the next. */
  static final long PIECE = 16L << 20;
  /** The request size every SFTP server accepts (the draft's minimum is 34,000 bytes). */
  static final int SAFE_REQUEST = 32 << 10;
  /** The largest request sent even where a server allows more (OpenSSH allows 255 KiB). */
  static final int LARGEST_REQUEST = 255 << 10;

  /** A piece of a file; {@code whole}: the file is this one piece. */
  private record Piece(Path local, String remote, long offset, long length, boolean whole) {}

  private SftpTransfer() {}

  /**
   * An upload of a folder that can go on over a new connection after the last one was lost: the
   * pieces whose writes the host acknowledged are not sent again, the others are sent whole. The
   * host may hold anything afterwards: the volume's own authentication, in the runtime, decides.
   */
  static final class Upload {
    private final Path local;
    private final String remote;
    private final List<Path> dirs;
    private final List<Piece> pieces;
    private final long total;
    private final java.util.Set<Piece> done = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean tried;

    private Upload(Path local, String remote, List<Path> dirs, List<Piece> pieces, long total) {
      this.local = local;
      this.remote = remote;
      this.dirs = dirs;
      this.pieces = pieces;
      this.total = total;
    }

    /** The upload of {@code local} (a folder) as {@code remote}, which must not exist yet. */
    static Upload of(Path local, String remote) throws IOException {
      List<Path> dirs = new ArrayList<>();
      List<Piece> pieces = new ArrayList<>();
      long total = 0;
      try (Stream<Path> walk = Files.walk(local)) {
        for (Path p : walk.sorted().toList()) {
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            dirs.add(p);
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            long size = Files.size(p);
            split(p, remotePath(remote, local, p), size, pieces);
            total += size;
          }
        }
      }
      return new Upload(local, remote, dirs, pieces, total);
    }

    /** The bytes the host acknowledged so far. */
    long sent() {
      return done.stream().mapToLong(Piece::length).sum();
    }

    /**
     * Sends what the host has not acknowledged yet over {@code session}; the bytes sent now. The
     * first call makes every folder and file anew (refusing any already there); a later one, after
     * a lost connection, takes what its predecessor made.
     */
    long send(ClientSession session, Progress progress, String task) throws IOException {
      boolean again = tried;
      tried = true;
      List<Piece> left = pieces.stream().filter(p -> !done.contains(p)).toList();
      try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
        for (Path d : dirs) {
          String dir = remotePath(remote, local, d);
          if (!again || !exists(sftp, dir)) {
            sftp.mkdir(dir);
          }
        }
        // a file of several pieces exists before they go, on whichever channel; a file of one piece
        // (most of a volume's) is created by the channel that writes it, in one request
        for (Piece p : left) {
          if (p.offset() == 0 && !p.whole() && (!again || !exists(sftp, p.remote()))) {
            sftp.open(p.remote(), SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive).close();
          }
        }
        int request = requestSize(sftp, true);
        long leftBytes = left.stream().mapToLong(Piece::length).sum();
        return transfer(session, left, leftBytes, progress, task, (client, handles, piece, buf, advance) -> {
          SftpClient.CloseableHandle h = handles.computeIfAbsent(piece.remote(), r -> !piece.whole()
              ? open(client, r, SftpClient.OpenMode.Write)
              : again ? open(client, r, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Truncate)
              : open(client, r, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Exclusive));
          try (FileChannel in = FileChannel.open(piece.local(), StandardOpenOption.READ);
               SftpOutputStreamAsync out = new SftpOutputStreamAsync((AbstractSftpClient) client, request, piece.remote(), h,
                   false)) {
            out.setOffset(piece.offset());
            long remaining = piece.length();
            long at = piece.offset();
            while (remaining > 0) {
              ByteBuffer b = ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, remaining));
              int n = in.read(b, at);
              if (n < 0) {
                throw new IOException(piece.local() + " shrank while it was sent");
              }
              out.write(buf, 0, n);
              at += n;
              remaining -= n;
              advance.accept(n);
            }
          }
          // closing the stream waited for the host's acknowledgements, but MINA's ends that wait
          // quietly, as if all had come, when the channel closes: only a channel still open
          // after it says that every write of the piece was acknowledged
          if (!client.isOpen() || !session.isOpen()) {
            throw new IOException("the connection closed before the host acknowledged " + piece.remote());
          }
          done.add(piece);
        });
      }
    }

    /** The bytes of the whole folder. */
    long total() {
      return total;
    }

    private static boolean exists(SftpClient sftp, String path) throws IOException {
      try {
        sftp.lstat(path);
        return true;
      } catch (org.apache.sshd.sftp.common.SftpException e) {
        if (e.getStatus() == org.apache.sshd.sftp.common.SftpConstants.SSH_FX_NO_SUCH_FILE) {
          return false;
        }
        throw e;
      }
    }
  }

  /** Downloads {@code remote} (a folder on the host) into {@code local}, which must not exist; the bytes fetched. */
  static long download(ClientSession session, String remote, Path local, Progress progress, String task) throws IOException {
    List<Piece> pieces = new ArrayList<>();
    long[] total = {0};
    int request;
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
      Files.createDirectory(local);
      walk(sftp, remote, local, pieces, total);
      request = requestSize(sftp, false);
    }
    for (Piece p : pieces) {
      if (p.offset() == 0) {
        Files.createFile(p.local());
      }
    }
    return transfer(session, pieces, total[0], progress, task, (client, handles, piece, buf, advance) -> {
      SftpClient.CloseableHandle h = handles.computeIfAbsent(piece.remote(), r -> open(client, r, SftpClient.OpenMode.Read));
      try (FileChannel out = FileChannel.open(piece.local(), StandardOpenOption.WRITE);
           // its "file size" is where it stops reading: the end of this piece
           InputStream in = new SftpInputStreamAsync((AbstractSftpClient) client, request, piece.offset(),
               piece.offset() + piece.length(),
               piece.remote(), h, false)) {
        long at = piece.offset();
        long left = piece.length();
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw new IOException("the host's " + piece.remote() + " ended before its listed size");
          }
          ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
          while (b.hasRemaining()) {
            at += out.write(b, at);
          }
          left -= n;
          advance.accept(n);
        }
      }
    });
  }

  @FunctionalInterface
  private interface PieceCopy {
    void copy(SftpClient client, Map<String, SftpClient.CloseableHandle> handles, Piece piece, byte[] buf,
        java.util.function.IntConsumer advance) throws IOException;
  }

  /** Copies {@code pieces} over up to {@link #CHANNELS} SFTP channels, each on a thread of its own; the first failure wins. */
  private static long transfer(ClientSession session, List<Piece> pieces, long total, Progress progress, String task,
      PieceCopy copy) throws IOException {
    ConcurrentLinkedQueue<Piece> queue = new ConcurrentLinkedQueue<>(pieces);
    java.util.concurrent.atomic.AtomicLong moved = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.function.IntConsumer advance = n -> {
      moved.addAndGet(n);
      synchronized (progress) {
        progress.advance(n);
      }
    };
    progress.start(task, total);
    try {
      int channels = (int) Math.max(1, Math.min(CHANNELS, pieces.size()));
      List<Thread> workers = new ArrayList<>();
      for (int i = 0; i < channels; i++) {
        workers.add(Thread.ofPlatform().name("confide-sftp-" + i).start(() -> {
          Map<String, SftpClient.CloseableHandle> handles = new HashMap<>();
          try (SftpClient client = SftpClientFactory.instance().createSftpClient(session)) {
            byte[] buf = new byte[1 << 20];
            try {
              for (Piece p; failed.get() == null && (p = queue.poll()) != null; ) {
                copy.copy(client, handles, p, buf, advance);
              }
            } finally {
              for (SftpClient.CloseableHandle h : handles.values()) {
                h.close();
              }
            }
          } catch (Throwable t) {
            failed.compareAndSet(null, t);
          }
        }));
      }
      for (Thread w : workers) {
        try {
          w.join();
        } catch (InterruptedException e) {
          failed.compareAndSet(null, e);
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      progress.finish();
    }
    Throwable t = failed.get();
    if (t instanceof IOException e) {
      throw e;
    }
    if (t instanceof java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    if (t != null) {
      throw new IOException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
    }
    return moved.get();
  }

  private static SftpClient.CloseableHandle open(SftpClient client, String remote, SftpClient.OpenMode... modes) {
    try {
      return client.open(remote, modes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The size of one read or write request: as large as the server says it takes, up to {@link #LARGEST_REQUEST}. */
  private static int requestSize(SftpClient sftp, boolean write) {
    try {
      OpenSSHLimitsExtension limits = sftp.getExtension(OpenSSHLimitsExtension.class);
      if (limits != null && limits.isSupported()) {
        var info = limits.limits();
        long allowed = write ? info.maxWriteLength : info.maxReadLength;
        if (allowed > 0) {
          return (int) Math.min(LARGEST_REQUEST, Math.max(SAFE_REQUEST, allowed));
        }
      }
    } catch (IOException | RuntimeException e) {
      // a server that does not answer the question gets the size every server takes
    }
    return SAFE_REQUEST;
  }

  private static void split(Path local, String remote, long size, List<Piece> pieces) {
    long offset = 0;
    do {
      long length = Math.min(PIECE, size - offset);
      pieces.add(new Piece(local, remote, offset, length, offset == 0 && length == size));
      offset += length;
    } while (offset < size);
  }

  private static void walk(SftpClient sftp, String remote, Path local, List<Piece> pieces, long[] total) throws IOException {
    List<SftpClient.DirEntry> entries = new ArrayList<>();
    try {
      sftp.readDir(remote).forEach(entries::add);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause(); // MINA's directory listing fails while it is iterated
    }
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
        walk(sftp, remote + "/" + name, to, pieces, total);
      } else if (a.isRegularFile()) {
        split(to, remote + "/" + name, a.getSize(), pieces);
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
