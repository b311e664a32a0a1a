package dev.confide.remote.ssh;

import dev.confide.attest.SimEvidenceProvider;
import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.util.List;

/**
 * What a remote host offers a run, asked over its SSH connection in one shell command: its
 * system, bubblewrap, room on the memory file system where staging areas go, the Confide runtime
 * installed under its remote folder, the evidence it can produce (simulated, and SEV-SNP or TDX where the kernel offers configfs-tsm), and what
 * its Blender can do ({@link BlenderCapabilities}).
 */
public final class HostCheck {
  /** What {@link #of} found; {@code bwrap} and {@code runtimeVersion} are null when absent. */
  public record Report(String system, String bwrap, long stagingFreeKiB, String stagingRoot, String runtimeVersion,
      List<String> evidence, java.util.Optional<BlenderCapabilities> blender) {}

  /** How the check's shell command runs: over SSH, or on this machine. */
  @FunctionalInterface
  public interface Shell {
    String run(String command) throws IOException;
  }

  private HostCheck() {}

  public static Report of(SshConnection ssh) {
    return of(ssh.host().name(), ssh.host().remoteDir(), ssh::run);
  }

  /**
   * What host {@code name} offers, asked through {@code shell}; {@code remoteDir} is where Confide
   * keeps its runtime there (relative to the login's home).
   */
  public static Report of(String name, String remoteDir, Shell shell) {
    String dir = shellQuoted(remoteDir);
    // one line each; a missing piece prints "-" so that the count of lines never varies
    String script = "uname -sr; command -v bwrap || echo -; root=\"${XDG_RUNTIME_DIR:-/dev/shm}\"; echo \"$root\";"
        + " df -Pk \"$root\" 2>/dev/null | awk 'NR==2 {print $4}' | grep . || echo 0;"
        + " cd \"$HOME\" 2>/dev/null; cat " + dir + "/runtime/VERSION 2>/dev/null || echo -; "
        + EVIDENCE_PROBE + BlenderCapabilities.probeCommand();
    String out;
    try {
      out = shell.run(script);
    } catch (IOException e) {
      throw new JobException(ExitCodes.UNAVAILABLE, "host_check_failed", "cannot look at " + name + ": "
          + e.getMessage(), "check that the login there has a POSIX shell", e);
    }
    List<String> lines = out.lines().toList();
    if (lines.size() < 7) {
      throw new JobException(ExitCodes.DATA, "host_check_failed", name + " answered the check with "
          + lines.size() + " lines, not 7", "check the login's shell start-up files: they must print nothing");
    }
    long free;
    try {
      free = Long.parseLong(lines.get(3).strip());
    } catch (NumberFormatException e) {
      free = 0;
    }
    return new Report(lines.get(0).strip(), absent(lines.get(1)), free, lines.get(2).strip(), absent(lines.get(4)),
        evidence(lines.get(5)), BlenderCapabilities.parse(lines.get(6)));
  }

  /**
   * One line: {@code tsm} when the kernel exposes configfs-tsm, then {@code snp} and {@code tdx}
   * for the guest devices present ({@code /dev/sev-guest}, {@code /dev/tdx_guest}).
   */
  private static final String EVIDENCE_PROBE = "{ [ -d /sys/kernel/config/tsm/report ] && printf 'tsm '; [ -e /dev/sev-guest ]"
      + " && printf 'snp '; [ -e /dev/tdx_guest ] && printf 'tdx '; echo; }; ";

  /** The kinds of evidence a host can produce, hardware first, from the probe's line. */
  static List<String> evidence(String line) {
    List<String> words = List.of(line.strip().split("\\s+"));
    List<String> kinds = new java.util.ArrayList<>();
    for (String kind : List.of("snp", "tdx")) {
      if (words.contains(kind)) {
        kinds.add(words.contains("tsm") ? kind + (kind.equals("tdx") ? " (Intel TDX through configfs-tsm)"
            : " (AMD SEV-SNP through configfs-tsm)") : kind + " guest device, but no configfs-tsm (Linux 6.7 or later needed)");
      }
    }
    kinds.add(SimEvidenceProvider.PLATFORM + " (simulated: protects nothing against the host's root)");
    return kinds;
  }

  private static String absent(String line) {
    String s = line.strip();
    return s.equals("-") || s.isEmpty() ? null : s;
  }

  /** {@code text} as one single-quoted shell word. */
  static String shellQuoted(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
