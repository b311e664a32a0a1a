package dev.confide.runtime;

import dev.confide.attest.Executables;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a program in a bubblewrap sandbox: a fresh root with the host's system directories
 * read-only, its own /proc, /dev and /tmp, only the given volumes bound in, no network unless
 * allowed, every namespace unshared, no capabilities, an empty environment but for the given one,
 * and killed when the runtime dies. bwrap's options — the environment among them — go through a
 * pipe ({@code --args 0}), not its command line, so secrets in the environment never show in the
 * host's process list. The program's own arguments are its command line, which the host can see.
 */
public final class Bubblewrap implements Sandbox {
  /** Host directories the sandbox sees read-only: the system, never users' data. */
  static final List<String> SYSTEM = List.of("/usr", "/etc", "/opt", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");

  private final String bwrap;

  Bubblewrap(String bwrap) {
    this.bwrap = bwrap;
  }

  /** bwrap on PATH, or a failure saying how to install it. */
  public static Bubblewrap find() {
    return Executables.onPath("bwrap").map(p -> new Bubblewrap(p.toString())).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "bubblewrap (bwrap) is not installed; the runtime runs programs only inside it",
        "install it: apt-get install bubblewrap"));
  }

  /** bwrap's options (sent through the pipe); the command follows them on bwrap's command line. */
  List<String> arguments(Plan plan) {
    List<String> a = new ArrayList<>(List.of("--die-with-parent", "--new-session", "--unshare-all"));
    if (plan.network()) {
      a.add("--share-net");
    }
    a.addAll(List.of("--cap-drop", "ALL", "--clearenv"));
    for (String dir : SYSTEM) {
      Path p = Path.of(dir);
      if (Files.isSymbolicLink(p)) {
        try {
          a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), dir));
        } catch (IOException e) {
          throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot read the link " + dir, "check the host's file system", e);
        }
      } else if (Files.isDirectory(p)) {
        a.addAll(List.of("--ro-bind", dir, dir));
      }
    }
    a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run", "--dir", "/var/tmp"));
    for (Bind b : plan.binds()) {
      a.addAll(List.of(b.writable() ? "--bind" : "--ro-bind", b.source().toString(), b.target()));
    }
    plan.environment().forEach((k, v) -> a.addAll(List.of("--setenv", k, v)));
    a.addAll(List.of("--chdir", plan.pwd()));
    return a;
  }

  /** Starts the sandbox; its output goes where {@code output} says, its input is empty. */
  @Override
  public Process start(Plan plan, ProcessBuilder.Redirect output) {
    List<String> argv = new ArrayList<>(List.of(bwrap, "--args", "0", "--"));
    argv.addAll(plan.command());
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.redirectErrorStream(true).redirectOutput(output);
    try {
      Process process = pb.start();
      try (OutputStream args = process.getOutputStream()) {
        for (String arg : arguments(plan)) {
          args.write(arg.getBytes(StandardCharsets.UTF_8));
          args.write(0);
        }
      }
      return process;
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "cannot start bubblewrap (" + bwrap + "): " + e.getMessage(),
          "check that bwrap runs here: bwrap --ro-bind / / true");
    }
  }
}
