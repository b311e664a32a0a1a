package dev.confide.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A small process that removes a staging area as soon as the runtime that made it is gone, however
 * it went (SIGKILL included, which no shutdown hook sees): it waits on a pipe whose only writer is
 * the runtime, which the kernel closes when the runtime dies, and then removes the folder
 * ({@code rm -rf} removes links as links, relative to open directories). Without it a killed run's
 * plaintext stayed on the tmpfs until the next run's sweep. A clean end says {@code done} once the
 * runtime wiped the folder itself, and the watchdog ends touching nothing: in a folder everyone may
 * write (/dev/shm) another user could otherwise put a folder or link of theirs under the freed name.
 * Otherwise it acts only on a directory (not a link) that is still this user's; while that exists,
 * nobody else can rename or remove it (the sticky bit of /dev/shm; $XDG_RUNTIME_DIR is private).
 */
final class StagingWatchdog implements AutoCloseable {
  /** Until the pipe closes; then up to five tries a second apart (a dying sandbox may still write for a moment). */
  private static final String SCRIPT = """
      while read -r line; do [ "$line" = done ] && exit 0; done
      [ -d "$1" ] && [ ! -L "$1" ] && [ -O "$1" ] || exit 0
      i=0
      while [ -e "$1" ] && [ $i -lt 5 ]; do
        chmod -R u+rwX -- "$1" 2>/dev/null
        rm -rf -- "$1" 2>/dev/null
        [ -e "$1" ] && sleep 1
        i=$((i + 1))
      done
      """;

  private final Process process;
  private final OutputStream pipe;

  private StagingWatchdog(Process process) {
    this.process = process;
    this.pipe = process.getOutputStream();
  }

  /** Watches {@code dir}; null when no watchdog could be started (the next run's sweep still removes it). */
  static StagingWatchdog watch(Path dir) {
    try {
      ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", SCRIPT, "confide-staging-watchdog", dir.toAbsolutePath().toString());
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().clear();
      pb.environment().put("PATH", "/usr/bin:/bin");
      return new StagingWatchdog(pb.start());
    } catch (IOException e) {
      return null;
    }
  }

  /** The watchdog's process (tests kill the runtime and watch it act). */
  Process process() {
    return process;
  }

  /** The runtime wiped the folder itself: the watchdog ends without touching anything. */
  void done() {
    try {
      pipe.write("done\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      pipe.flush();
    } catch (IOException e) {
      // a watchdog already gone has nothing left to do
    }
    close();
  }

  /** Lets the watchdog remove whatever is left of the folder. */
  @Override
  public void close() {
    try {
      pipe.close();
    } catch (IOException e) {
      // a watchdog already gone has nothing left to do
    }
  }
}
