package dev.confide.attest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Measured copies of executables kept between runs in a private folder of the memory file system
 * (beside the staging areas), so that a run starts the kept copy instead of copying and hashing
 * Blender's 89 MB again (about 100 ms). An entry is named by the original's real path and
 * identity (device, inode, size, modification and change times): a changed original is another
 * entry. Beside each copy ({@code r-x------}) its SHA-256 and the copy's own identity are kept; an
 * entry whose copy's identity differs (it was changed: its change time moved, which no
 * unprivileged account can set back) is made again. A run binds the kept copy itself into its
 * sandbox, read-only; one removed or replaced later stays what that run bound.
 *
 * <p>What this keeps is as trusted as the per-run copy was: both are files of the account that
 * runs the runtime, in its memory file system, which that account (and root) could change during
 * a run anyway. The folder must be this account's, 0700, not a link; otherwise it is not used. At
 * most {@value #KEPT} copies are kept (the least recently used go first): they hold memory.
 */
public final class ExecutableCopies {
  static final int KEPT = 4;
  private static final long RACY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private final Path dir;

  private ExecutableCopies(Path dir) {
    this.dir = dir;
  }

  /** The folder {@code confide-executables-UID} in {@code memoryRoot}, made if missing; empty when it is not this account's private folder. */
  public static Optional<ExecutableCopies> in(Path memoryRoot) {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      Path dir = memoryRoot.resolve("confide-executables-" + uid);
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException exists) {
        // checked below: it must be this account's own
      }
      PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      boolean own = a.isDirectory() && a.owner().equals(Files.getOwner(Path.of("/proc/self"))) && a.permissions()
          .equals(PosixFilePermissions.fromString("rwx------"));
      return own ? Optional.of(new ExecutableCopies(dir)) : Optional.empty();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A kept copy: the file a run starts, and its SHA-256. */
  public record Kept(Path copy, String digest) {}

  /**
   * The measured copy of {@code real} kept here, made now if there is none for the original as it
   * is; empty when none can be kept (an original changed within the last second).
   */
  Optional<Kept> keep(Path real) throws IOException {
    Map<String, Object> id = Files.readAttributes(real, "unix:dev,ino,size,lastModifiedTime,ctime");
    long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    if (now - nanos(id.get("ctime")) < RACY_NANOS || now - nanos(id.get("lastModifiedTime")) < RACY_NANOS) {
      return Optional.empty();
    }
    String pathKey = hex16(real.toString());
    String name = pathKey + "-" + hex16(id.get("dev") + " " + id.get("ino") + " " + id.get("size") + " "
        + nanos(id.get("lastModifiedTime")) + " " + nanos(id.get("ctime")));
    Path entry = dir.resolve(name);
    Path meta = dir.resolve(name + ".sha256");
    String kept = kept(entry, meta);
    if (kept != null) {
      Files.setLastModifiedTime(meta, FileTime.fromMillis(System.currentTimeMillis()));
      return Optional.of(new Kept(entry, kept));
    }
    Path tmp = dir.resolve(name + ".tmp-" + ProcessHandle.current().pid());
    Files.deleteIfExists(tmp);
    String digest = Hashes.hex(CopyingHasher.copy(real, tmp));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
    Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    // the identity after the move (a rename changes the change time); reading and starting it do not
    Map<String, Object> made = Files.readAttributes(entry, "unix:ino,size,ctime", LinkOption.NOFOLLOW_LINKS);
    Path metaTmp = dir.resolve(name + ".sha256.tmp-" + ProcessHandle.current().pid());
    Files.writeString(metaTmp, digest + " " + made.get("ino") + " " + made.get("size") + " " + nanos(made.get("ctime")) + "\n",
        StandardCharsets.US_ASCII);
    Files.move(metaTmp, meta, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    forgetOthers(pathKey, name);
    // another runtime may have replaced the entry meanwhile: it is used only if it is still the copy hashed here
    String still = kept(entry, meta);
    return digest.equals(still) ? Optional.of(new Kept(entry, digest)) : Optional.empty();
  }

  /** The kept copy's SHA-256 when {@code entry} is still exactly the copy {@code meta} describes, else null. */
  private static String kept(Path entry, Path meta) {
    try {
      String[] m = Files.readString(meta, StandardCharsets.US_ASCII).strip().split(" ");
      PosixFileAttributes a = Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Map<String, Object> id = Files.readAttributes(entry, "unix:ino,size,ctime", LinkOption.NOFOLLOW_LINKS);
      boolean same = m.length == 4 && m[0].matches("[0-9a-f]{64}") && a.isRegularFile()
          && a.permissions().equals(PosixFilePermissions.fromString("r-x------")) && m[1].equals(id.get("ino").toString())
          && m[2].equals(id.get("size").toString()) && m[3].equals(Long.toString(nanos(id.get("ctime"))));
      return same ? m[0] : null;
    } catch (IOException | RuntimeException absent) {
      return null;
    }
  }

  /**
   * Removes the copies of earlier versions of the same program, the least recently used beyond
   * {@value #KEPT}, and what a runtime that died while copying left.
   */
  private void forgetOthers(String pathKey, String keep) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.toList();
    }
    for (Path f : files) {
      String n = f.getFileName().toString();
      int tmp = n.lastIndexOf(".tmp-");
      if (tmp >= 0) {
        try {
          if (ProcessHandle.of(Long.parseLong(n.substring(tmp + 5))).isEmpty()) {
            Files.deleteIfExists(f);
          }
        } catch (NumberFormatException notOurs) {
          // a name this class does not make
        }
      }
    }
    List<Path> others = files.stream().filter(p -> p.getFileName().toString().endsWith(".sha256"))
        .filter(p -> !p.getFileName().toString().equals(keep + ".sha256"))
        .sorted(Comparator.comparing((Path p) -> p.getFileName().toString().startsWith(pathKey + "-") ? 0 : 1)
            .thenComparing(ExecutableCopies::lastUse))
        .toList();
    int remaining = others.size() + 1;
    for (Path m : others) {
      if (m.getFileName().toString().startsWith(pathKey + "-") || remaining > KEPT) {
        String base = m.getFileName().toString();
        Files.deleteIfExists(dir.resolve(base.substring(0, base.length() - ".sha256".length())));
        Files.deleteIfExists(m);
        remaining--;
      }
    }
  }

  private static FileTime lastUse(Path meta) {
    try {
      return Files.getLastModifiedTime(meta);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static long nanos(Object time) {
    return ((FileTime) time).to(TimeUnit.NANOSECONDS);
  }

  private static String hex16(String text) {
    return Hashes.hex(Hashes.sha256().digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
  }
}
