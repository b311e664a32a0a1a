package dev.confide.attest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The SHA-256 of files, remembered by each file's identity: its device, inode, size, modification
 * and change times. Any change to a file's content changes its change time (ctime), which no
 * unprivileged account can set back, so a remembered digest is used only while the file is
 * unchanged. A file changed within a second of being hashed is not remembered (the kernel's
 * clock ticks coarser than a write: the "racy git" problem). Measuring Blender's tree (120 MB,
 * 3,400 files) costs a stat per file instead of a hash per byte.
 *
 * <p>The persistent form (a file, 0600, written whole and renamed into place) has one line per
 * file: {@code sha256 dev ino size mtime-ns ctime-ns path}. It is as trusted as the account that
 * runs the runtime; on a simulated host that account holds the host's key anyway, and in a TEE
 * guest it lies in the guest's own memory-protected file system. A file that cannot be read as
 * this format is ignored (everything is hashed again). A first line {@code #trees TAB path TAB path...}
 * names the trees measured last, so that a runtime waiting for its run can warm up on them.
 */
public final class FileDigests {
  private static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private record Identity(long dev, long ino, long size, long mtime, long ctime) {}

  private record Known(Identity identity, String digest) {}

  private final Path store;
  private final Map<Path, Known> known = new ConcurrentHashMap<>();
  private final AtomicBoolean changed = new AtomicBoolean();
  private volatile java.util.List<String> lastTrees = java.util.List.of();

  private FileDigests(Path store) {
    this.store = store;
  }

  /** Digests remembered by this process only. */
  public static FileDigests inMemory() {
    return new FileDigests(null);
  }

  /** Digests remembered in {@code file} as well, read from it now when it exists. */
  public static FileDigests persistent(Path file) {
    FileDigests d = new FileDigests(file);
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith("#trees\t")) {
          d.lastTrees = java.util.List.of(line.substring("#trees\t".length()).split("\t"));
          continue;
        }
        String[] f = line.split(" ", 7);
        if (f.length == 7 && f[0].length() == 64) {
          d.known.put(Path.of(f[6]), new Known(new Identity(Long.parseLong(f[1]), Long.parseLong(f[2]),
              Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5])), f[0]));
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      d.known.clear(); // absent or not this format: hash everything again
    }
    return d;
  }

  /** The trees measured last (by this process, or by the one that saved the persistent form). */
  public java.util.List<String> lastTrees() {
    return lastTrees;
  }

  /** Records {@code trees} as the trees measured last. */
  public void measuredTrees(java.util.List<String> trees) {
    if (!trees.equals(lastTrees) && trees.stream().noneMatch(t -> t.indexOf('\t') >= 0 || t.indexOf('\n') >= 0)) {
      lastTrees = java.util.List.copyOf(trees);
      changed.set(true);
    }
  }

  /** The SHA-256 of regular file {@code file} remembered while it is unchanged, or null: it is to be hashed. */
  public String remembered(Path file) throws IOException {
    Known k = known.get(file);
    return k != null && k.identity().equals(identity(file)) ? k.digest() : null;
  }

  /**
   * The attributes {@link #remembered(Path, Map)} needs of a file, and its mode: a walk that reads
   * them once per file needs no other look-up of it.
   */
  public static final String ATTRIBUTES = "unix:mode,dev,ino,size,lastModifiedTime,ctime";

  /** As {@link #remembered(Path)}, with the file's {@link #ATTRIBUTES} read by the caller (no link followed). */
  public String remembered(Path file, Map<String, Object> attributes) {
    Known k = known.get(file);
    return k != null && k.identity().equals(identity(attributes)) ? k.digest() : null;
  }

  /** The SHA-256 of regular file {@code file} (a real path: no link in it), from memory while it is unchanged. */
  public String digest(Path file) throws IOException {
    Identity before = identity(file);
    Known k = known.get(file);
    if (k != null && k.identity().equals(before)) {
      return k.digest();
    }
    String digest = Hashes.file(file);
    Identity after = identity(file);
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    if (before.equals(after) && now - after.ctime() > RACY_NANOS && now - after.mtime() > RACY_NANOS
        && file.toString().indexOf('\n') < 0) {
      known.put(file, new Known(after, digest));
      changed.set(true);
    }
    return digest;
  }

  /** Writes the persistent form when something new was remembered; a failure to write costs only speed. */
  public void save() {
    if (store == null || !changed.getAndSet(false)) {
      return;
    }
    StringBuilder out = new StringBuilder();
    if (!lastTrees.isEmpty()) {
      out.append("#trees\t").append(String.join("\t", lastTrees)).append('\n');
    }
    known.forEach((path, k) -> {
      Identity i = k.identity();
      out.append(k.digest()).append(' ').append(i.dev()).append(' ').append(i.ino()).append(' ').append(i.size())
          .append(' ').append(i.mtime()).append(' ').append(i.ctime()).append(' ').append(path).append('\n');
    });
    Path tmp = store.resolveSibling(store.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, out, StandardCharsets.UTF_8);
      Files.move(tmp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | UnsupportedOperationException notWritten) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // a leftover temporary file holds digests only, never a secret
      }
    }
  }

  private static Identity identity(Path file) throws IOException {
    return identity(Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
  }

  private static Identity identity(Map<String, Object> a) {
    return new Identity((Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS));
  }
}
