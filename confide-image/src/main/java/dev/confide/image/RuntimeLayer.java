package dev.confide.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layer that holds Confide's runtime in a converted image ({@value ImageConverter#RUNTIME_HOME}:
 * its launcher, jars, own Java, JVM options and bundled sandbox). It is the same bytes for every
 * conversion with one runtime distribution and sandbox (entries sorted, times fixed, owner root),
 * so a container engine or registry stores it once for all converted images, and with a cache
 * folder it is made once: the layer file and its digest are kept under a key over every file's
 * path, size and time and the runtime's measured digest, and later conversions copy the file.
 */
final class RuntimeLayer {
  private RuntimeLayer() {}

  /**
   * The layer of {@code runtime} (a distribution) with {@code sandbox}; {@code runtimeDigest} is the
   * runtime's measured digest (part of the key); {@code cache} the folder kept between
   * conversions (null: none, the layer is measured and made again).
   */
  static Blob of(Path runtime, Path sandbox, String runtimeDigest, Path cache) throws IOException {
    Blob.Content content = out -> {
      try (LayerWriter w = new LayerWriter(out)) {
        write(w, runtime, sandbox);
      }
    };
    if (cache == null) {
      return Blob.measure(content);
    }
    Files.createDirectories(cache);
    String key = key(runtime, sandbox, runtimeDigest);
    Path layer = cache.resolve("runtime-" + key + ".tar");
    Path digestFile = cache.resolve("runtime-" + key + ".sha256");
    if (!Files.isRegularFile(layer, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(digestFile, LinkOption.NOFOLLOW_LINKS)) {
      make(content, cache, layer, digestFile);
    }
    String digest = Files.readString(digestFile).strip();
    return new Blob(digest, Files.size(layer), new Blob.FileContent(layer));
  }

  /** Writes the layer into the cache once, hashed on the way; older runtimes' layers go. */
  private static void make(Blob.Content content, Path cache, Path layer, Path digestFile) throws IOException {
    Path temp = Files.createTempFile(cache, ".runtime-", ".tar");
    try {
      MessageDigest sha = Blob.sha256();
      try (OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), sha)) {
        content.write(out);
      }
      Path tempDigest = Files.createTempFile(cache, ".runtime-", ".sha256");
      Files.writeString(tempDigest, "sha256:" + HexFormat.of().formatHex(sha.digest()) + "\n");
      // the layer first: a digest file never names a layer that is not there
      Files.move(temp, layer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tempDigest, digestFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    try (Stream<Path> old = Files.list(cache)) {
      for (Path p : old.filter(p -> p.getFileName().toString().startsWith("runtime-") && !p.equals(layer) && !p.equals(digestFile))
          .toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The runtime's files as the converted image holds them. */
  static void write(LayerWriter w, Path runtime, Path sandbox) throws IOException {
    w.directory("/opt", 0755);
    w.directory(ImageConverter.RUNTIME_HOME, 0755);
    w.directory(ImageConverter.RUNTIME_HOME + "/bin", 0755);
    w.file(ImageConverter.RUNTIME_HOME + "/bin/confide-runtime", runtime.resolve("bin").resolve("confide-runtime"), 0755);
    for (String part : List.of("lib", "jre")) {
      w.tree(ImageConverter.RUNTIME_HOME + "/" + part, runtime.resolve(part));
    }
    w.file(ImageConverter.RUNTIME_HOME + "/jvm.args", runtime.resolve("jvm.args"), 0644);
    w.tree(ImageConverter.RUNTIME_HOME + "/" + dev.confide.runtime.Bubblewrap.BUNDLED, sandbox);
  }

  /**
   * SHA-256 over the runtime's measured digest, every file of the distribution by path, mode, size,
   * time and inode (its 99 MB are not read again), and the sandbox's files by content (a sandbox
   * collected from this machine for the conversion is a fresh copy each time).
   */
  private static String key(Path runtime, Path sandbox, String runtimeDigest) throws IOException {
    MessageDigest sha = Blob.sha256();
    sha.update(("confide runtime layer v1\0" + runtimeDigest + "\0").getBytes(StandardCharsets.UTF_8));
    for (Path root : List.of(runtime.resolve("bin"), runtime.resolve("lib"), runtime.resolve("jre"), runtime.resolve("jvm.args"), sandbox)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(root)) {
        files = walk.sorted().toList();
      }
      for (Path p : files) {
        var a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime,ino", LinkOption.NOFOLLOW_LINKS);
        if (root.equals(sandbox)) {
          sha.update((sandbox.relativize(p) + "\0" + a.get("mode") + "\0").getBytes(StandardCharsets.UTF_8));
          if (Files.isSymbolicLink(p)) {
            sha.update(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
          } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            sha.update(Files.readAllBytes(p));
          }
        } else {
          sha.update((p.toAbsolutePath() + "\0" + a.get("mode") + "\0" + a.get("size") + "\0" + a.get("lastModifiedTime") + "\0"
              + a.get("ino") + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
  }
}
