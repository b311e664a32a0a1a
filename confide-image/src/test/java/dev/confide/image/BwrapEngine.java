package dev.confide.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an image the way a container engine does, with Debian's tools: umoci unpacks the OCI
 * layout into a runtime bundle (its root file system and config.json), and bubblewrap starts the
 * bundle's process in that root, with the bundle's environment and working directory, the given
 * environment added, the given host folders mounted, loopback networking, and the host's /proc
 * (a nested sandbox mounts a /proc of its own only where the outer one is not masked).
 */
final class BwrapEngine {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An unpacked image: its root and the process its configuration starts. */
  record Bundle(Path rootfs, List<String> args, List<String> env, String cwd) {}

  /** What a container printed and how it ended. */
  record Exit(int code, String output) {}

  private BwrapEngine() {}

  static Bundle unpack(Path ociTar, String reference, Path work) throws IOException, InterruptedException {
    Path layout = Files.createDirectories(work.resolve("layout"));
    exec(List.of("tar", "-xf", ociTar.toString(), "-C", layout.toString()));
    Path bundle = work.resolve("bundle");
    exec(List.of("umoci", "unpack", "--image", layout + ":" + reference, bundle.toString()));
    JsonNode config = JSON.readTree(bundle.resolve("config.json").toFile());
    List<String> args = new ArrayList<>();
    config.path("process").path("args").forEach(a -> args.add(a.asText()));
    List<String> env = new ArrayList<>();
    config.path("process").path("env").forEach(e -> env.add(e.asText()));
    return new Bundle(bundle.resolve("rootfs"), args, env, config.path("process").path("cwd").asText("/"));
  }

  static Exit run(Bundle b, Map<String, String> env, Map<String, Path> mounts) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bwrap", "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
        "--ro-bind", b.rootfs().toString(), "/", "--bind", "/proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm",
        "--tmpfs", "/tmp", "--tmpfs", "/run"));
    mounts.forEach((inside, host) -> cmd.addAll(List.of(Files.isDirectory(host) ? "--bind" : "--ro-bind", host.toString(), inside)));
    cmd.add("--clearenv");
    for (String e : b.env()) {
      int eq = e.indexOf('=');
      cmd.addAll(List.of("--setenv", e.substring(0, eq), e.substring(eq + 1)));
    }
    env.forEach((k, v) -> cmd.addAll(List.of("--setenv", k, v)));
    cmd.addAll(List.of("--chdir", b.cwd(), "--"));
    cmd.addAll(b.args());
    return exitOf(cmd);
  }

  /** Runs a container engine's {@code command} with no input; its output and exit code, within five minutes. */
  static Exit exitOf(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("the container did not end: " + out);
    }
    return new Exit(p.exitValue(), out);
  }

  static String exec(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
