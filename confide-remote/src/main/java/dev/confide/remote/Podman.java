package dev.confide.remote;

import dev.confide.runtime.ExitCodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Debian's podman on this machine, running a converted image (docs/images.md): loaded once per
 * manifest digest, started with what its runtime's sandbox needs ({@link #SANDBOX_OPTIONS}), the
 * host's network (the CAS may be on loopback), the given environment and mounts, and removed when it
 * ends. {@code extra} are options the host's engine needs besides (e.g. {@code --ulimit} where its
 * defaults exceed the host's limits), given by the user.
 */
public final class Podman {
  /**
   * A converted image's runtime starts its program in namespaces of its own: no seccomp filter,
   * an unmasked /proc, and a staging area in memory that allows executing the measured copy.
   */
  public static final List<String> SANDBOX_OPTIONS = List.of("--security-opt", "seccomp=unconfined", "--security-opt",
      "unmask=ALL", "--tmpfs", "/dev/shm:rw,exec,nosuid,nodev,size=1g");

  private final List<String> podman;
  private final List<String> extra;

  private Podman(List<String> podman, List<String> extra) {
    this.podman = List.copyOf(podman);
    this.extra = List.copyOf(extra);
  }

  /** podman on PATH, with {@code global} options before the command (storage, runtime) and {@code extra} run options. */
  public static Podman local(List<String> global, List<String> extra) {
    Path found = dev.confide.attest.Executables.onPath("podman").orElseThrow(() -> new JobException(ExitCodes.UNAVAILABLE,
        "no_podman", "podman is not installed here; a converted image runs under it", "install it: apt-get install podman"));
    List<String> cmd = new ArrayList<>(List.of(found.toString()));
    cmd.addAll(global);
    return new Podman(cmd, extra);
  }

  /** A bind mount: a host path (on the host that runs podman) at a path in the container. */
  public record Mount(String host, String container, boolean readOnly) {}

  /** The digest of the manifest of the image named {@code reference} in podman's storage, if it has one. */
  public Optional<String> digestOf(String reference) throws IOException {
    Result r = exec(List.of("image", "inspect", "--format", "{{.Digest}}", reference), null);
    return r.exit() == 0 && r.output().strip().startsWith("sha256:") ? Optional.of(r.output().strip()) : Optional.empty();
  }

  /** Whether the image named {@code reference} is in podman's storage at manifest digest {@code digest} (null: never). */
  public boolean has(String reference, String digest) throws IOException {
    return digest != null && digestOf(reference).filter(digest::equals).isPresent();
  }

  /** Loads {@code archive} into podman's storage. */
  public void load(Path archive) throws IOException {
    Result r = exec(List.of("load", "-i", archive.toString()), null);
    if (r.exit() != 0) {
      throw new JobException(ExitCodes.UNAVAILABLE, "podman_load", "podman cannot load " + archive + ": " + lastLine(r.output()),
          "check that podman works here: podman images");
    }
  }

  /** Runs the image as container {@code name}; its output line by line to {@code lines}; the container's exit code. */
  public int run(String reference, String name, Map<String, String> env, List<Mount> mounts, Consumer<String> lines)
      throws IOException {
    // the values go through podman's own environment, not its command line
    return exec(runArguments(reference, name, env.keySet().stream().toList(), mounts, extra), env, lines).exit();
  }

  /**
   * Stops container {@code name} as a cancelled run is stopped: SIGTERM, on which its runtime
   * commits nothing and wipes its staging area, and SIGKILL only after {@link #STOP_SECONDS}.
   */
  public void stop(String name) {
    try {
      exec(stopArguments(name), null);
    } catch (IOException e) {
      // a container already gone needs no stopping
    }
  }

  /** How long a stopped container's runtime has to end by itself (its own grace is 60 s). */
  public static final int STOP_SECONDS = 70;

  /** {@code podman stop}'s arguments for container {@code name}. */
  public static List<String> stopArguments(String name) {
    return List.of("stop", "--time", Integer.toString(STOP_SECONDS), name);
  }

  /** A name for a run's container: {@code confide-} and random hex. */
  public static String containerName() {
    byte[] r = new byte[6];
    new java.security.SecureRandom().nextBytes(r);
    return "confide-" + java.util.HexFormat.of().formatHex(r);
  }

  /**
   * {@code podman run}'s arguments for a converted image: named {@code name}, removed when it ends, the host's
   * network, {@link #SANDBOX_OPTIONS}, {@code extra}, each {@code env} entry ({@code NAME} to take
   * the value from podman's environment, {@code NAME=VALUE} to give it), each mount.
   */
  public static List<String> runArguments(String reference, String name, List<String> env, List<Mount> mounts,
      List<String> extra) {
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--name", name, "--network", "host"));
    args.addAll(SANDBOX_OPTIONS);
    args.addAll(extra);
    env.forEach(e -> args.addAll(List.of("--env", e)));
    for (Mount m : mounts) {
      args.addAll(List.of("--volume", m.host() + ":" + m.container() + (m.readOnly() ? ":ro" : "")));
    }
    args.add(reference);
    return args;
  }

  private record Result(int exit, String output) {}

  private Result exec(List<String> args, Map<String, String> env) throws IOException {
    StringBuilder out = new StringBuilder();
    int exit = exec(args, env, line -> out.append(line).append('\n')).exit();
    return new Result(exit, out.toString());
  }

  private Result exec(List<String> args, Map<String, String> env, Consumer<String> lines) throws IOException {
    List<String> cmd = new ArrayList<>(podman);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (env != null) {
      pb.environment().putAll(env);
    }
    Process p = pb.start();
    p.getOutputStream().close();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        lines.accept(line);
      }
    }
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    return new Result(p.exitValue(), "");
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }
}
