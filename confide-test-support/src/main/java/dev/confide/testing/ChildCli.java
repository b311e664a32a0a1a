package dev.confide.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code confide} as a process of its own, started from the test's class path: as another local
 * account (through {@code setpriv}, on readable copies of the class path and the runtime), or at a
 * pseudo-terminal (through {@code script}), where a user types into it. What it prints is kept;
 * {@link #awaitText} waits for a piece of it, {@link #type} types.
 */
public final class ChildCli implements AutoCloseable {
  private final Process process;
  private final StringBuilder said = new StringBuilder();
  private final Thread reader;

  private ChildCli(Process process) {
    this.process = process;
    reader = Thread.ofPlatform().daemon().name("child-cli-output").start(() -> copy(process.getInputStream()));
  }

  /**
   * The command line that runs {@code confide ARGS} in a JVM like this one: its Java, the class path
   * {@code classPath}, the system properties given and the options the launcher sets.
   */
  public static List<String> javaCommand(String classPath, Map<String, String> properties, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", classPath));
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("dev.confide.cli.Main");
    cmd.addAll(args);
    return cmd;
  }

  /** This JVM's class path, as surefire gave it. */
  public static String testClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /**
   * Copies this JVM's class path into {@code into} (made readable by all, as is each copy), for a
   * process of another account that cannot read the build's folders; the copied class path.
   */
  public static String readableClassPath(Path into) throws IOException {
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : testClassPath().split(File.pathSeparator)) {
      Path from = Path.of(entry);
      if (!Files.exists(from)) {
        continue;
      }
      Path to = into.resolve(i++ + "-" + from.getFileName());
      if (Files.isDirectory(from)) {
        TreeCopies.copy(from, to);
      } else {
        Files.createDirectories(into);
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      }
      entries.add(to.toString());
    }
    readableByAll(into);
    return String.join(File.pathSeparator, entries);
  }

  /** Makes the tree {@code dir} readable (and its folders and executables enterable) by every account. */
  public static void readableByAll(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        boolean exec = Files.isDirectory(p) || Files.isExecutable(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  /** Starts {@code command} with {@code env} (added to this process's, less what it names with a null value). */
  public static ChildCli start(List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    return new ChildCli(pb.start());
  }

  /** {@code command} at a new pseudo-terminal: {@code script} gives it one, and passes its exit status on. */
  public static List<String> atTerminal(List<String> command) {
    StringBuilder line = new StringBuilder();
    for (String c : command) {
      line.append(line.isEmpty() ? "" : " ").append('\'').append(c.replace("'", "'\\''")).append('\'');
    }
    return List.of("script", "--quiet", "--return", "--command", line.toString(), "/dev/null");
  }

  /** {@code command} run as the account {@code uid}/{@code gid}, without this one's groups. */
  public static List<String> asAccount(int uid, int gid, List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
    cmd.addAll(command);
    return cmd;
  }

  /** Waits up to {@code limit} for {@code text} in what the process printed; whether it came. */
  public boolean awaitText(String text, Duration limit) throws InterruptedException {
    return awaitText(text, 1, limit);
  }

  /** Waits up to {@code limit} for {@code text} to have been printed {@code times} times; whether it was. */
  public boolean awaitText(String text, int times, Duration limit) throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    synchronized (said) {
      while (count(text) < times) {
        long left = end - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          return count(text) >= times;
        }
        said.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
      return true;
    }
  }

  private int count(String text) {
    int n = 0;
    for (int at = said.indexOf(text); at >= 0; at = said.indexOf(text, at + text.length())) {
      n++;
    }
    return n;
  }

  /** Types {@code text} into the process's input (at a terminal: what the user types). */
  public void type(String text) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Waits up to {@code limit} for the process to end; its exit status (the process is killed past the limit). */
  public int await(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /** Everything it printed so far. */
  public String said() {
    synchronized (said) {
      return said.toString();
    }
  }

  private void copy(InputStream in) {
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        synchronized (said) {
          said.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          said.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process ended
    } finally {
      synchronized (said) {
        said.notifyAll();
      }
    }
  }

  @Override
  public void close() {
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
