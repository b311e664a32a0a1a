package dev.confide.remote.ssh;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A remote host the user added: its name on the command line ({@code --host NAME}), where it is
 * reached, the jump hosts it is reached through, in order ({@code ProxyJump}; empty: directly),
 * the private key file to log in with (a path, never the key; null: ssh-agent or the defaults;
 * used for the jump hosts too), the folder on the host under which Confide keeps its runtime and
 * run directories, the OpenSSH user certificate of the identity (null: {@code IDENTITY-cert.pub}
 * when it exists, as ssh looks for it), and the {@code ProxyCommand} that carries the connection
 * (null: none; never together with jump hosts).
 */
public record HostProfile(String name, SshAddress address, Path identity, String remoteDir, List<SshAddress> jumps,
    Path certificate, Timing timing, HostKeyChecking hostKeys, String proxyCommand) {
  /** Where Confide keeps its things on a host unless told otherwise (relative to the login's home). */
  public static final String DEFAULT_REMOTE_DIR = ".confide";

  /**
   * How the connection is made: how long connecting and logging in may take ({@code
   * ConnectTimeout}), how often a silent connection is probed ({@code ServerAliveInterval}; after
   * three unanswered probes it is given up, as ssh's {@code ServerAliveCountMax} 3), in seconds
   * (0: the defaults, 20 and 15); and whether only the identity file's key is offered, not every
   * key of the ssh-agent ({@code IdentitiesOnly}: an agent holding more keys than the host's
   * {@code MaxAuthTries} would otherwise use up the tries before the right one).
   */
  public record Timing(int connectSeconds, int aliveSeconds, boolean identitiesOnly) {
    public static final Timing DEFAULT = new Timing(0, 0, false);

    public Timing(int connectSeconds, int aliveSeconds) {
      this(connectSeconds, aliveSeconds, false);
    }

    public Timing {
      if (connectSeconds < 0 || aliveSeconds < 0 || connectSeconds > 3600 || aliveSeconds > 3600) {
        throw new IllegalArgumentException("a timeout or interval is 1 to 3600 seconds");
      }
    }

    /** A number of seconds as a file writes it; absent or blank: 0, the default. */
    public static int seconds(String value) {
      if (value == null || value.isBlank()) {
        return 0;
      }
      try {
        return Integer.parseInt(value.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + value + "' is not a number of seconds");
      }
    }

    public java.time.Duration connect() {
      return java.time.Duration.ofSeconds(connectSeconds == 0 ? 20 : connectSeconds);
    }

    public java.time.Duration alive() {
      return java.time.Duration.ofSeconds(aliveSeconds == 0 ? 15 : aliveSeconds);
    }
  }

  /**
   * How the host's key is checked, as {@code ~/.ssh/config} says: the known_hosts files read
   * ({@code UserKnownHostsFile}; empty: the user's and Confide's own), the name its key is filed
   * under ({@code HostKeyAlias}; null: the host's own name and port), and what an unknown key
   * gets ({@code StrictHostKeyChecking}: {@code ask} the default, {@code yes} refuses it unless
   * {@code --host-key} names it, {@code accept-new} takes it and records it; {@code no} is refused
   * when the host is added). A changed or revoked key is refused whatever they say.
   */
  public record HostKeyChecking(List<Path> knownHostsFiles, String alias, Strictness strictness) {
    public static final HostKeyChecking DEFAULT = new HostKeyChecking(List.of(), null, Strictness.ASK);

    public HostKeyChecking {
      knownHostsFiles = knownHostsFiles == null ? List.of() : List.copyOf(knownHostsFiles);
      strictness = strictness == null ? Strictness.ASK : strictness;
    }

    /** {@code StrictHostKeyChecking}'s values Confide follows. */
    public enum Strictness {
      ASK, YES, ACCEPT_NEW;

      /** As ssh_config writes it; "no"/"off" are refused (null), as is anything unknown. */
      public static Strictness parse(String value) {
        return switch (value == null ? "ask" : value.strip().toLowerCase(java.util.Locale.ROOT)) {
          case "ask" -> ASK;
          case "yes" -> YES;
          case "accept-new" -> ACCEPT_NEW;
          default -> null;
        };
      }

      public String spec() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      }
    }
  }

  public HostProfile {
    jumps = jumps == null ? List.of() : List.copyOf(jumps);
    timing = timing == null ? Timing.DEFAULT : timing;
    hostKeys = hostKeys == null ? HostKeyChecking.DEFAULT : hostKeys;
    proxyCommand = proxyCommand == null || proxyCommand.isBlank() || proxyCommand.strip().equalsIgnoreCase("none") ? null
        : proxyCommand.strip();
  }

  public HostProfile(String name, SshAddress address, Path identity, String remoteDir, List<SshAddress> jumps,
      Path certificate, Timing timing, HostKeyChecking hostKeys) {
    this(name, address, identity, remoteDir, jumps, certificate, timing, hostKeys, null);
  }

  public HostProfile(String name, SshAddress address, Path identity, String remoteDir, List<SshAddress> jumps,
      Path certificate) {
    this(name, address, identity, remoteDir, jumps, certificate, Timing.DEFAULT, HostKeyChecking.DEFAULT);
  }

  public HostProfile(String name, SshAddress address, Path identity, String remoteDir, List<SshAddress> jumps,
      Path certificate, Timing timing) {
    this(name, address, identity, remoteDir, jumps, certificate, timing, HostKeyChecking.DEFAULT);
  }

  /** A host reached directly. */
  public HostProfile(String name, SshAddress address, Path identity, String remoteDir) {
    this(name, address, identity, remoteDir, List.of(), null);
  }

  /** The certificate presented with the identity: the one given, else {@code IDENTITY-cert.pub} when it exists. */
  public Path certificateFile() {
    if (certificate != null || identity == null) {
      return certificate;
    }
    Path beside = identity.resolveSibling(identity.getFileName() + "-cert.pub");
    return java.nio.file.Files.isRegularFile(beside) ? beside : null;
  }

  /** This profile with {@code other} timing. */
  public HostProfile with(Timing other) {
    return new HostProfile(name, address, identity, remoteDir, jumps, certificate, other, hostKeys, proxyCommand);
  }

  /** This profile with {@code others} instead of its jump hosts and certificate. */
  public HostProfile with(List<SshAddress> otherJumps, Path otherCertificate) {
    return new HostProfile(name, address, identity, remoteDir, otherJumps, otherCertificate, timing, hostKeys, proxyCommand);
  }

  /** Parses a {@code ProxyJump}-style list, {@code [USER@]HOST[:PORT]} separated by commas; "none" or empty: no jump. */
  public static List<SshAddress> parseJumps(String spec) {
    if (spec == null || spec.isBlank() || spec.strip().equalsIgnoreCase("none")) {
      return List.of();
    }
    return java.util.Arrays.stream(spec.split(",")).map(String::strip).map(SshAddress::parse).toList();
  }

  /** The jumps as {@code ProxyJump} writes them; empty when there are none. */
  public String jumpSpec() {
    return jumps.stream().map(SshAddress::toString).collect(Collectors.joining(","));
  }
}
