package dev.confide.cli.run;

import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.remote.ssh.HostProfile;
import dev.confide.remote.ssh.HostProfiles;
import dev.confide.remote.ssh.SshAddress;
import dev.confide.remote.ssh.SshConfigFile;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide host add NAME [--ssh [USER@]HOST[:PORT]]}: a remote host the user will run on, given or from ~/.ssh/config. */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = {"Add a remote host, reached over SSH, to run on with 'confide run --host NAME' (see",
        "docs/hosts.md). Kept in CONFIG/hosts.toml (0600): key paths, never keys."})
public final class HostAddCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "What you will call the host ('local' is this machine).")
  String name;

  @Option(names = "--ssh", paramLabel = "[USER@]HOST[:PORT]",
      description = "Where the host is reached (default: the 'Host NAME' block of ~/.ssh/config).")
  String ssh;

  @Option(names = "--ssh-config", paramLabel = "FILE", description = "The OpenSSH client configuration to read without --ssh (default: ~/.ssh/config).")
  Path sshConfig;

  @Option(names = "--identity", paramLabel = "FILE", description = "The private key to log in with (owner-only, as ssh requires).")
  Path identity;

  @Option(names = "--remote-dir", paramLabel = "DIR", defaultValue = HostProfile.DEFAULT_REMOTE_DIR,
      description = "Where Confide keeps its runtime and run folders on the host (default: ${DEFAULT-VALUE} in the login's home).")
  String remoteDir;

  @Option(names = "--jump", paramLabel = "[USER@]HOST[:PORT][,...]",
      description = {"Reach the host through these jump hosts, in order (as ssh -J); the same key logs in to each,",
          "and each one's host key is checked as the host's is. Default: the ProxyJump of ~/.ssh/config's block."})
  String jump;

  @Option(names = "--certificate", paramLabel = "FILE",
      description = "An OpenSSH user certificate of the identity (default: IDENTITY-cert.pub when it exists, as ssh does).")
  Path certificate;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS",
      description = "How long connecting and logging in may take (default: ConnectTimeout of ~/.ssh/config, else 20).")
  Integer connectTimeout;

  @Option(names = "--server-alive-interval", paramLabel = "SECONDS",
      description = "Probe a silent connection this often; three unanswered probes end it (default: ServerAliveInterval, else 15).")
  Integer aliveInterval;

  @Option(names = "--identities-only",
      description = "Offer the host only the identity's key, not every key of your ssh-agent (IdentitiesOnly).")
  boolean identitiesOnly;

  @Option(names = "--force", description = "Replace a host of that name.") boolean force;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (remoteDir.isBlank() || remoteDir.contains("\n") || remoteDir.contains("..")) {
      throw new CliFailure(ExitCodes.USAGE, "bad_remote_dir", "'" + remoteDir + "' is not a folder Confide can keep its things in",
          "give a path without '..', relative to the login's home or absolute");
    }
    List<String> ignored = List.of();
    HostProfile host;
    if (ssh == null) {
      Path config = sshConfig != null ? sshConfig : Path.of(System.getProperty("user.home"), ".ssh", "config");
      SshConfigFile.Found found = SshConfigFile.profile(config, name, remoteDir);
      ignored = found.ignored();
      HostProfile fromConfig = found.profile();
      host = identity == null ? fromConfig : new HostProfile(name, fromConfig.address(), identity.toAbsolutePath(), remoteDir,
          fromConfig.jumps(), fromConfig.certificate(), fromConfig.timing(), fromConfig.hostKeys(), fromConfig.proxyCommand());
    } else {
      SshAddress address;
      try {
        address = SshAddress.parse(ssh);
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.USAGE, "bad_ssh_address", e.getMessage(), "give --ssh [USER@]HOST[:PORT], e.g. render@faye:2222");
      }
      host = new HostProfile(name, address, identity == null ? null : identity.toAbsolutePath(), remoteDir);
    }
    if (connectTimeout != null || aliveInterval != null || identitiesOnly) {
      try {
        host = host.with(new HostProfile.Timing(connectTimeout != null ? connectTimeout : host.timing().connectSeconds(),
            aliveInterval != null ? aliveInterval : host.timing().aliveSeconds(), identitiesOnly || host.timing().identitiesOnly()));
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.USAGE, "bad_timeout", e.getMessage(), "give whole seconds, 1 to 3600");
      }
      if (connectTimeout != null && connectTimeout == 0 || aliveInterval != null && aliveInterval == 0) {
        throw new CliFailure(ExitCodes.USAGE, "bad_timeout", "a timeout or interval is 1 to 3600 seconds", "give whole seconds, 1 to 3600");
      }
    }
    if (certificate != null) {
      if (!java.nio.file.Files.isRegularFile(certificate)) {
        throw new CliFailure(ExitCodes.NO_INPUT, "no_certificate", "the certificate " + certificate + " does not exist",
            "give the -cert.pub file 'ssh-keygen -s' wrote for your key");
      }
      host = host.with(host.jumps(), certificate.toAbsolutePath());
    }
    if (jump != null && host.proxyCommand() != null) {
      throw new CliFailure(ExitCodes.USAGE, "jump_and_proxy", "host " + name + " has a ProxyCommand in the ssh config",
          "give --jump or the ProxyCommand, not both");
    }
    if (jump != null) {
      try {
        host = host.with(HostProfile.parseJumps(jump), host.certificate());
      } catch (IllegalArgumentException e) {
        throw new CliFailure(ExitCodes.USAGE, "bad_jump", "--jump " + e.getMessage(), "give --jump [USER@]HOST[:PORT][,...]");
      }
    }
    SshAddress address = host.address();
    HostProfiles profiles = new HostProfiles(Main.dirs(spec).config());
    profiles.add(host, force, ignored);
    new Output(spec.commandLine().getOut(), common.json).report("Added host " + name + ".",
        Output.fields("name", name, "ssh", address.toString(), "identity", host.identity() == null ? "(ssh-agent or defaults)"
            : host.identity().toString(), "jump", host.jumps().isEmpty() ? "none" : host.jumpSpec(),
            "proxy_command", host.proxyCommand() == null ? "none" : host.proxyCommand(), "remote_dir", remoteDir, "file", profiles.file().toString(),
            "ignored", ignored.isEmpty() ? "nothing" : String.join(", ", ignored) + " (not followed yet)"));
    return ExitCodes.OK;
  }
}
