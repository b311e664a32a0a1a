package dev.confide.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's podman, with storage of its own under the test's folder (nothing of the machine's
 * images is read or changed), loading a converted image and running it with runc. The nested
 * sandbox needs what Kubernetes' privileged pods have: no seccomp filter and an unmasked /proc.
 * podman's own /dev/shm is noexec, and the program starts from its measured copy there: the
 * staging area gets a tmpfs of its own. The ulimits are given because podman's defaults exceed what this machine's own limits allow.
 */
final class PodmanEngine {
  private final List<String> podman;

  PodmanEngine(Path storage) throws IOException {
    Files.createDirectories(storage);
    podman = List.of("podman", "--root", storage.resolve("root").toString(), "--runroot", storage.resolve("run").toString(),
        "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--runtime", "runc", "--events-backend", "none");
  }

  static boolean installed() {
    return dev.confide.attest.Executables.onPath("podman").isPresent() && dev.confide.attest.Executables.onPath("runc").isPresent();
  }

  String load(Path image) throws IOException, InterruptedException {
    return command(List.of("load", "-i", image.toString()));
  }

  /** Any podman command on this storage; its output. */
  String command(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(podman);
    cmd.addAll(args);
    return BwrapEngine.exec(cmd);
  }

  BwrapEngine.Exit run(String reference, Map<String, String> env, Map<String, Path> mounts) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(podman);
    cmd.addAll(List.of("run", "--rm", "--network", "host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
        "--security-opt", "seccomp=unconfined", "--security-opt", "unmask=ALL", "--tmpfs", "/dev/shm:rw,exec,nosuid,nodev,size=512m"));
    env.forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
    mounts.forEach((inside, host) -> cmd.addAll(List.of("-v", host + ":" + inside + (Files.isDirectory(host) ? "" : ":ro"))));
    cmd.add(reference);
    return BwrapEngine.exitOf(cmd);
  }
}
