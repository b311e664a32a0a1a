package dev.confide.cli.run;

import dev.confide.cli.CliFailure;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.remote.ssh.HostProfile;
import dev.confide.remote.ssh.HostProfiles;
import dev.confide.remote.ssh.KeyPassphrases;
import dev.confide.remote.ssh.SshConnection;
import dev.confide.remote.ssh.UnknownHostKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command about one remote host (a picocli mixin): the host's name, the {@code --host-key} that
 * confirms an unknown key, and the logged-in connection they give.
 */
public final class RemoteHostOptions {
  @Parameters(paramLabel = "NAME", description = "A host added with 'confide host add'.")
  String name;

  @Option(names = "--host-key", paramLabel = "SHA256:...",
      description = "Trust this host key fingerprint if no known_hosts entry names the host (check it with the host's operator).")
  String hostKey;

  /** Asks at a terminal whether a program a host measured is the one meant; elsewhere nobody can say yes. */
  static dev.confide.remote.ssh.ProgramApproval programApproval(boolean mayAsk) {
    java.io.Console console = mayAsk ? System.console() : null;
    return console != null && console.isTerminal()
        ? dev.confide.remote.ssh.ProgramApproval.asking(new java.io.BufferedReader(console.reader()), console.writer())
        : dev.confide.remote.ssh.ProgramApproval.REFUSE;
  }

  /** The known_hosts files read: the user's OpenSSH one, then Confide's own, where confirmed keys are written. */
  static List<Path> knownHosts(ConfideDirs dirs) {
    return List.of(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"), dirs.config().resolve("known_hosts"));
  }

  static HostProfile profile(ConfideDirs dirs, String name) throws IOException {
    return new HostProfiles(dirs.config()).find(name).orElseThrow(() -> new CliFailure(ExitCodes.NO_INPUT,
        "unknown_host", "no host named " + name + " was added", "add it with 'confide host add " + name + " --ssh USER@HOST'"));
  }

  /** Logs in to the host, its key checked against the known hosts or {@code --host-key}. */
  SshConnection connect(ConfideDirs dirs) throws IOException {
    return connect(dirs, name, hostKey);
  }

  /** Logs in to host {@code name}, its key checked against the known hosts or {@code hostKey} (null: none given). */
  static SshConnection connect(ConfideDirs dirs, String name, String hostKey) throws IOException {
    String agent = System.getenv("SSH_AUTH_SOCK");
    return connect(dirs, name, hostKey, agent == null || agent.isBlank() ? null : Path.of(agent), true);
  }

  /**
   * As {@link #connect(ConfideDirs, String, String)}, with the user's ssh-agent at {@code agent}
   * (null: none) and, unless {@code mayAsk}, no question at this process's terminal (a daemon's).
   */
  static SshConnection connect(ConfideDirs dirs, String name, String hostKey, Path agent, boolean mayAsk) throws IOException {
    return connect(dirs, profile(dirs, name), hostKey, agent, mayAsk);
  }

  /** As {@link #connect(ConfideDirs, String, String, Path, boolean)}, to the profile {@code host} already read. */
  static SshConnection connect(ConfideDirs dirs, HostProfile host, String hostKey, Path agent, boolean mayAsk) throws IOException {
    UnknownHostKeys unknown;
    try {
      java.io.Console console = mayAsk ? System.console() : null;
      // at a terminal the user is asked, as ssh asks; elsewhere only --host-key confirms a key;
      // StrictHostKeyChecking yes never asks, accept-new takes a new key (the user's own choice)
      var strictness = host.hostKeys().strictness();
      unknown = hostKey != null ? UnknownHostKeys.expecting(hostKey)
          : strictness == HostProfile.HostKeyChecking.Strictness.ACCEPT_NEW ? UnknownHostKeys.ACCEPT_NEW
          : strictness == HostProfile.HostKeyChecking.Strictness.ASK && console != null && console.isTerminal()
              ? UnknownHostKeys.asking(new java.io.BufferedReader(console.reader()), console.writer())
          : UnknownHostKeys.REFUSE;
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, "bad_host_key", "'" + hostKey + "': " + e.getMessage(), "give --host-key SHA256:...");
    }
    java.io.Console terminal = mayAsk && System.console() != null && System.console().isTerminal() ? System.console() : null;
    return SshConnection.open(host, knownHosts(dirs), unknown, agent,
        terminal == null ? KeyPassphrases.NONE : KeyPassphrases.askingAt(terminal));
  }
}
