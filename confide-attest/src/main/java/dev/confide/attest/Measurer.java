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
import java.util.stream.Stream;

/** Measures a command: the runtime's own digest and the executable the command resolves to. */
public final class Measurer {
  private final String runtimeDigest;
  /**
   * Files this measurer hashed, by identity: {@code confide run} measures the same engine for the
   * session and again for the evidence, and a runtime measures the same trees run after run.
   */
  private final FileDigests digests;
  private final ExecutableCopies copies;

  public Measurer(String runtimeDigest) {
    this(runtimeDigest, FileDigests.inMemory());
  }

  public Measurer(String runtimeDigest, FileDigests digests) {
    this(runtimeDigest, digests, null);
  }

  /** A measurer that keeps the executables' measured copies in {@code copies} between runs (null: a copy per run). */
  public Measurer(String runtimeDigest, FileDigests digests, ExecutableCopies copies) {
    this.runtimeDigest = runtimeDigest;
    this.digests = digests;
    this.copies = copies;
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
    return runtimeDigest(classPath, null);
  }

  /**
   * As {@link #runtimeDigest(String)}, each file's SHA-256 taken from {@code digests} while the
   * file is unchanged (null: every file is hashed).
   */
  public static String runtimeDigest(String classPath, FileDigests digests) throws IOException {
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
            files.put(p.getFileName() + "/" + p.relativize(f), hash(f, digests));
          }
        }
      } else if (Files.isRegularFile(p) && !files.containsKey(p.getFileName().toString())) {
        files.put(p.getFileName().toString(), hash(p, digests));
        if (p.toString().endsWith(".jar")) {
          pending.addAll(manifestClassPath(p));
        }
      }
    }
    MessageDigest md = Hashes.sha256();
    files.forEach((name, digest) -> md.update((name + "\0" + digest + "\n").getBytes(StandardCharsets.UTF_8)));
    return Hashes.hex(md.digest());
  }

  private static String hash(Path file, FileDigests digests) throws IOException {
    return digests == null ? Hashes.file(file) : digests.digest(file.toRealPath());
  }

  private static List<Path> manifestClassPath(Path jar) throws IOException {
    List<Path> found = new ArrayList<>();
    // the main section only: a signed jar's whole manifest (bcprov's 20,000 lines) cost a cold JVM tens of milliseconds
    String cp = MainManifest.of(jar).getValue("Class-Path");
    if (cp != null) {
      for (String rel : cp.trim().split("\\s+")) {
        found.add(Path.of(jar.getParent().toUri().resolve(URI.create(rel))).normalize());
      }
    }
    return found;
  }

  /** Measures {@code command} (its first word is looked up in {@code path} unless it holds a '/'). */
  public Measurement measure(List<String> command, String path) throws AttestationException {
    return measure(command, path, List.of());
  }

  /** Measures {@code command} and the folders {@code trees} ({@link MeasuredTree}). */
  public Measurement measure(List<String> command, String path, List<String> trees) throws AttestationException {
    if (command.isEmpty() || command.getFirst().isBlank()) {
      throw new AttestationException(Reason.COMMAND_NOT_FOUND, "no command to measure", "give the command after '--'");
    }
    Path executable = resolve(command.getFirst(), path);
    try {
      Path real = executable.toRealPath();
      return Measurement.of(runtimeDigest, real, digests.digest(real), measureTrees(trees));
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "cannot read " + executable + ": " + e.getMessage(), "check its permissions");
    } finally {
      digests.save();
    }
  }

  private static List<MeasuredTree> treesOf(java.util.concurrent.FutureTask<List<MeasuredTree>> measuring)
      throws AttestationException {
    try {
      return measuring.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttestationException(Reason.IO, "interrupted while measuring the trees", "run again");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof AttestationException a) {
        throw a;
      }
      throw new IllegalStateException("measuring the trees failed", e.getCause());
    }
  }

  /**
   * Measures the trees measured last, and forgets the result: a runtime waiting for its run does
   * this so that the run's own measurement finds its code compiled and the files' digests at hand
   * (in a fresh JVM, measuring Blender's 6,300 files took 180 ms, warm 60). It proves nothing; the
   * run measures again.
   */
  public void warmUp() {
    for (String tree : digests.lastTrees()) {
      try {
        MeasuredTree.measure(tree, digests);
      } catch (AttestationException | RuntimeException e) {
        // the run will say so, if it measures this tree at all
      }
    }
  }

  /** The trees measured last, being measured again from a moment on (see {@link #measureAhead}). */
  public record Ahead(List<String> trees, java.util.concurrent.FutureTask<List<MeasuredTree>> measuring) {}

  /**
   * Starts measuring the trees measured last, now, for a plan that will most likely name them
   * again: the runtime's request for its plan (what to measure) and this walk then overlap. The
   * result counts only for exactly those trees, and only because it is taken after the run began:
   * a file the host changes later is changed after any measurement, whenever it was taken, and the
   * sandbox binds the trees as they are then (as with a measurement taken after the plan). Null
   * when no tree was measured last.
   */
  public Ahead measureAhead() {
    return measureAhead(digests.lastTrees());
  }

  private Ahead measureAhead(java.util.Collection<String> folders) {
    List<String> trees = List.copyOf(new java.util.TreeSet<>(folders));
    if (trees.isEmpty()) {
      return null;
    }
    java.util.concurrent.FutureTask<List<MeasuredTree>> measuring = new java.util.concurrent.FutureTask<>(() -> measureTrees(trees));
    Thread.ofPlatform().daemon().name("confide-measure-ahead").start(measuring);
    return new Ahead(trees, measuring);
  }

  private List<MeasuredTree> measureTrees(List<String> trees) throws AttestationException {
    if (!trees.isEmpty()) {
      digests.measuredTrees(new ArrayList<>(new java.util.TreeSet<>(trees)));
    }
    // each tree on a core of its own (Blender's three are 1,500-3,500 files each): the walk and the
    // look-ups of the remembered digests are what a run waits for here
    try {
      return new java.util.TreeSet<>(trees).parallelStream().map(tree -> {
        try {
          return MeasuredTree.measure(tree, digests);
        } catch (AttestationException e) {
          throw new TreeFailed(e);
        }
      }).toList();
    } catch (TreeFailed e) {
      throw (AttestationException) e.getCause();
    }
  }

  /** A tree's refusal, carried out of a parallel stream. */
  private static final class TreeFailed extends RuntimeException {
    TreeFailed(AttestationException cause) {
      super(cause);
    }
  }

  /** A measurement, and the file the run starts: the copy kept from an earlier run, or {@code copy}. */
  public record Copied(Measurement measurement, Path copy) {}

  /**
   * Copies the executable {@code command} resolves to into {@code copy} (a new file, owner-only,
   * its folder created) and measures the bytes copied, with the folders {@code trees}: a runtime
   * that then starts the copy runs exactly what it measured, whatever the host puts at the
   * original's path afterwards. When this measurer keeps copies ({@link ExecutableCopies}) the copy
   * an earlier run made is measured and returned instead, if it is still the one kept. The
   * measurement names the original's real path.
   */
  public Copied measureCopy(List<String> command, String path, List<String> trees, Path copy) throws AttestationException {
    return measureCopy(command, path, trees, copy, null);
  }

  /**
   * As {@link #measureCopy(List, String, List, Path)}, taking the trees' measurement from {@code ahead}
   * when it measures exactly {@code trees} (null: none ahead).
   */
  public Copied measureCopy(List<String> command, String path, List<String> trees, Path copy, Ahead ahead)
      throws AttestationException {
    if (command.isEmpty() || command.getFirst().isBlank()) {
      throw new AttestationException(Reason.COMMAND_NOT_FOUND, "no command to measure", "give the command after '--'");
    }
    Path executable = resolve(command.getFirst(), path);
    // the trees are measured while the executable is copied: both mostly wait on the file system
    java.util.concurrent.FutureTask<List<MeasuredTree>> measuringTrees;
    if (ahead != null && ahead.trees().equals(List.copyOf(new java.util.TreeSet<>(trees)))) {
      measuringTrees = ahead.measuring();
    } else {
      measuringTrees = new java.util.concurrent.FutureTask<>(() -> measureTrees(trees));
      if (!trees.isEmpty()) {
        Thread.ofPlatform().name("confide-measure-trees").start(measuringTrees);
      } else {
        measuringTrees.run();
      }
    }
    try {
      Path real = executable.toRealPath();
      java.util.Optional<ExecutableCopies.Kept> kept = java.util.Optional.empty();
      if (copies != null) {
        try {
          kept = copies.keep(real);
        } catch (IOException notKept) {
          // a copy of this run's own, below
        }
      }
      if (kept.isPresent()) {
        return new Copied(Measurement.of(runtimeDigest, real, kept.get().digest(), treesOf(measuringTrees)), kept.get().copy());
      }
      Files.createDirectories(copy.getParent());
      byte[] digest = CopyingHasher.copy(real, copy);
      Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
      return new Copied(Measurement.of(runtimeDigest, real, Hashes.hex(digest), treesOf(measuringTrees)), copy);
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "cannot copy " + executable + " to measure it: " + e.getMessage(),
          "check its permissions and the staging area's free memory");
    } finally {
      digests.save();
    }
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
