package dev.confide.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The root file system of a small image made from this machine's own files, without a registry:
 * merged-/usr links, Debian's python3 with the libraries it and glibc's name services need, and its
 * standard library (tests, IDLE, Tk, ensurepip, lib2to3 and the build config left out). What a
 * base image's tests run the counter of seed 003 on; each test writes its own accounts into /etc.
 */
public final class PythonRootFs {
  private static final List<String> LIBRARIES = List.of("libm.so.6", "libz.so.1", "libexpat.so.1", "libc.so.6",
      "ld-linux-x86-64.so.2", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libresolv.so.2", "libnss_files.so.2",
      "libnss_dns.so.2", "libutil.so.1", "libanl.so.1", "libmvec.so.1");

  private PythonRootFs() {}

  /** Makes the tree in {@code os} (a new or empty folder). */
  public static Path make(Path os) throws IOException {
    for (String dir : List.of("usr/bin", "usr/lib/x86_64-linux-gnu", "usr/lib64", "etc", "tmp", "proc", "dev", "sys", "run", "root")) {
      Files.createDirectories(os.resolve(dir));
    }
    Files.createSymbolicLink(os.resolve("bin"), Path.of("usr/bin"));
    Files.createSymbolicLink(os.resolve("lib"), Path.of("usr/lib"));
    Files.createSymbolicLink(os.resolve("lib64"), Path.of("usr/lib64"));
    Files.copy(Path.of("/usr/bin/python3.11"), os.resolve("usr/bin/python3.11"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.createSymbolicLink(os.resolve("usr/bin/python3"), Path.of("python3.11"));
    for (String lib : LIBRARIES) {
      Files.copy(Path.of("/usr/lib/x86_64-linux-gnu", lib).toRealPath(), os.resolve("usr/lib/x86_64-linux-gnu/" + lib));
    }
    Files.createSymbolicLink(os.resolve("usr/lib64/ld-linux-x86-64.so.2"), Path.of("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"));
    copyStandardLibrary(Path.of("/usr/lib/python3.11"), os.resolve("usr/lib/python3.11"));
    return os;
  }

  private static void copyStandardLibrary(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path rel = from.relativize(p);
        if (rel.startsWith("test") || rel.startsWith("idlelib") || rel.startsWith("tkinter") || rel.startsWith("ensurepip")
            || rel.startsWith("lib2to3") || rel.startsWith("config-3.11-x86_64-linux-gnu")) {
          continue;
        }
        Path t = to.resolve(rel.toString());
        if (Files.isSymbolicLink(p)) {
          Files.createSymbolicLink(t, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
