package dev.confide.attest;

import dev.confide.attest.AttestationException.Reason;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Measures a command: the runtime's own digest and the executable the command resolves to. */
public final class Measurer {
  private final String runtimeDigest;
  /**
   * Executables this measurer hashed, by real path, with the file's identity and change times:
   * {@code confide run} measures the same engine for the session and again for the evidence, and
   * hashing Blender's 90 MB twice cost 0.1 s. Any change to the file (its inode, size, mtime or
   * ctime) makes it hashed again.
   */
  private final java.util.concurrent.ConcurrentHashMap<Path, Hashed> hashed = new java.util.concurrent.ConcurrentHashMap<>();

  private record Hashed(java.util.Map<String, Object> identity, String digest) {}

  public Measurer(String runtimeDigest) {
    this.runtimeDigest = runtimeDigest;
  }

  /** The digest of the runtime this measurer runs in (what a plan request claims before anything else is measured). */
  public String runtimeDigest() {
    return runtimeDigest;
  }

  /**
   * The digest of the code on {@code classPath} (jars, with their manifest {@code Class-Path}, and
   * class folders): SHA-256 over "name NUL sha256 LF" lines of every file, sorted by name.
   */
  public static String runtimeDigest(String classPath) throws IOException {
    TreeMap<String, String> files = new TreeMap<>();
    List<Path> pending = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        pending.add(Path.of(entry).toAbsolutePath().normalize());
      }
    }
    while (!pending.isEmpty()) {
      Path p = pending.removeFirst();
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
            files.put(p.getFileName() + "/" + p.relativize(f), Hashes.file(f));
          }
        }
      } else if (Files.isRegularFile(p) && !files.containsKey(p.getFileName().toString())) {
        files.put(p.getFileName().toString(), Hashes.file(p));
        if (p.toString().endsWith(".jar")) {
          pending.addAll(manifestClassPath(p));
        }
      }
    }
    MessageDigest md = Hashes.sha256();
    files.forEach((name, digest) -> md.update((name + "\0" + digest + "\n").getBytes(StandardCharsets.UTF_8)));
    return Hashes.hex(md.digest());
  }

  private static List<Path> manifestClassPath(Path jar) throws IOException {
    List<Path> found = new ArrayList<>();
    try (JarFile j = new JarFile(jar.toFile())) {
      if (j.getManifest() == null) {
        return found;
      }
      String cp = j.getManifest().getMainAttributes().getValue("Class-Path");
      if (cp != null) {
        for (String rel : cp.trim().split("\\s+")) {
          found.add(Path.of(jar.getParent().toUri().resolve(URI.create(rel))).normalize());
        }
      }
    }
    return found;
  }

  /** Measures {@code command} (its first word is looked up in {@code path} unless it holds a '/'). */
  public Measurement measure(List<String> command, String path) throws AttestationException {
    if (command.isEmpty() || command.getFirst().isBlank()) {
      throw new AttestationException(Reason.COMMAND_NOT_FOUND, "no command to measure", "give the command after '--'");
    }
    Path executable = resolve(command.getFirst(), path);
    try {
      Path real = executable.toRealPath();
      return Measurement.of(runtimeDigest, real, digest(real));
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "cannot read " + executable + ": " + e.getMessage(), "check its permissions");
    }
  }

  /**
   * Copies the executable {@code command} resolves to into {@code copy} (a new file, owner-only,
   * its folder created) and measures the bytes copied: a runtime that then starts the copy runs
   * exactly what it measured, whatever the host puts at the original's path afterwards. The
   * measurement names the original's real path.
   */
  public Measurement measureCopy(List<String> command, String path, Path copy) throws AttestationException {
    if (command.isEmpty() || command.getFirst().isBlank()) {
      throw new AttestationException(Reason.COMMAND_NOT_FOUND, "no command to measure", "give the command after '--'");
    }
    Path executable = resolve(command.getFirst(), path);
    try {
      Path real = executable.toRealPath();
      Files.createDirectories(copy.getParent());
      byte[] digest = CopyingHasher.copy(real, copy);
      Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
      return Measurement.of(runtimeDigest, real, Hashes.hex(digest));
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "cannot copy " + executable + " to measure it: " + e.getMessage(),
          "check its permissions and the staging area's free memory");
    }
  }

  private String digest(Path real) throws IOException {
    java.util.Map<String, Object> identity = Files.readAttributes(real, "unix:dev,ino,size,lastModifiedTime,ctime");
    Hashed known = hashed.get(real);
    if (known != null && known.identity().equals(identity)) {
      return known.digest();
    }
    String digest = Hashes.file(real);
    if (identity.equals(Files.readAttributes(real, "unix:dev,ino,size,lastModifiedTime,ctime"))) {
      hashed.put(real, new Hashed(identity, digest));
    }
    return digest;
  }

  static Path resolve(String program, String path) throws AttestationException {
    if (program.contains("/")) {
      Path p = Path.of(program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
      throw new AttestationException(Reason.COMMAND_NOT_FOUND, program + " is not an executable file", "check the path");
    }
    return Executables.onPath(program, path).orElseThrow(() -> new AttestationException(Reason.COMMAND_NOT_FOUND,
        program + " is not found on PATH (" + path + ")", "install it, or give its absolute path"));
  }
}
