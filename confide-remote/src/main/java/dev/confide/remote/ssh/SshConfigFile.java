package dev.confide.remote.ssh;

import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.sshd.client.config.hosts.HostConfigEntry;

/**
 * A host taken from an OpenSSH client configuration ({@code ~/.ssh/config}) by its {@code Host}
 * name, read with MINA SSHD's parser: {@code HostName}, {@code Port}, {@code User}, the first
 * {@code IdentityFile}, {@code CertificateFile}, {@code IdentitiesOnly}, {@code UserKnownHostsFile},
 * {@code HostKeyAlias}, {@code StrictHostKeyChecking} ({@code yes}, {@code ask}, {@code accept-new}), {@code ConnectTimeout}, {@code ServerAliveInterval} and
 * {@code ProxyJump} (each jump that names another {@code Host} block of
 * the file takes its {@code HostName}, {@code Port} and {@code User}). Directives with a bearing on
 * security that Confide does not honour are refused, not ignored: {@code StrictHostKeyChecking no} (Confide never accepts an unknown key
 * silently); others are returned as ignored so that the user is told.
 */
public final class SshConfigFile {
  private static final List<String> REFUSED = List.of();
  private static final List<String> NOTED = List.of("identityagent");

  /** A profile and the directives of its block that were ignored. */
  public record Found(HostProfile profile, List<String> ignored) {}

  private SshConfigFile() {}

  public static Found profile(Path config, String name, String remoteDir) throws IOException {
    if (!Files.isRegularFile(config)) {
      throw new JobException(ExitCodes.NO_INPUT, "no_ssh_config", "there is no " + config + " to take host " + name + " from",
          "give the host with --ssh [USER@]HOST[:PORT]");
    }
    SshConfigText.Read read = SshConfigText.read(config);
    List<HostConfigEntry> entries = HostConfigEntry.readHostConfigEntries(new java.io.StringReader(read.text()), true);
    boolean named = entries.stream().anyMatch(e -> e.getHost() != null
        && Arrays.asList(e.getHost().split("[\\s,]+")).contains(name));
    if (!named) {
      throw new JobException(ExitCodes.NO_INPUT, "no_ssh_config_host", config + " has no 'Host " + name + "' block",
          "add one, or give the host with --ssh [USER@]HOST[:PORT]");
    }
    var resolver = HostConfigEntry.toHostConfigEntryResolver(entries);
    HostConfigEntry e = resolver.resolveEffectiveHost(name, 0, null, null, null, null);
    List<String> ignored = new ArrayList<>(read.ignored());
    for (var p : e.getProperties().entrySet()) {
      String key = p.getKey().toLowerCase(Locale.ROOT);
      if (REFUSED.contains(key)) {
        throw new JobException(ExitCodes.USAGE, "unsupported_ssh_config", "host " + name + " in " + config + " says "
            + p.getKey() + " " + p.getValue() + ", which Confide does not follow yet", "give a host Confide reaches directly with --ssh");
      }
      if (key.equals("stricthostkeychecking") && HostProfile.HostKeyChecking.Strictness.parse(p.getValue()) == null) {
        throw new JobException(ExitCodes.USAGE, "unsafe_ssh_config", "host " + name + " in " + config
            + " says StrictHostKeyChecking " + p.getValue().strip() + ": Confide never accepts an unknown host key silently",
            "remove that line for this host; confirm its key once with 'confide host check " + name + " --host-key SHA256:...'");
      }
      if (key.equals("preferredauthentications") && !Arrays.asList(p.getValue().toLowerCase(Locale.ROOT).split("[\\s,]+"))
          .contains("publickey")) {
        throw new JobException(ExitCodes.USAGE, "unsupported_ssh_config", "host " + name + " in " + config
            + " says PreferredAuthentications " + p.getValue() + ": Confide logs in by public key only",
            "add publickey to that list for this host, or give the host with --ssh");
      }
      if (NOTED.contains(key)) {
        ignored.add(p.getKey());
      }
    }
    String hostName = e.getHostName() == null || e.getHostName().isBlank() ? name : e.getHostName();
    int port = e.getPort() > 0 ? e.getPort() : 22;
    Path identity = e.getIdentities() == null || e.getIdentities().isEmpty() ? null
        : Path.of(expandHome(e.getIdentities().iterator().next()));
    SshAddress address;
    try {
      address = new SshAddress(e.getUsername() == null || e.getUsername().isBlank() ? null : e.getUsername(), hostName, port);
    } catch (IllegalArgumentException bad) {
      throw new JobException(ExitCodes.DATA, "bad_ssh_config", "host " + name + " in " + config + ": " + bad.getMessage(),
          "fix that block");
    }
    List<SshAddress> jumps = new ArrayList<>();
    try {
      for (SshAddress jump : HostProfile.parseJumps(e.getProperty("ProxyJump"))) {
        // a jump may name another block of the file, as ssh allows
        HostConfigEntry j = resolver.resolveEffectiveHost(jump.host(), 0, null, null, null, null);
        String jumpHost = j == null || j.getHostName() == null || j.getHostName().isBlank() ? jump.host() : j.getHostName();
        int jumpPort = jump.port() != 22 ? jump.port() : j != null && j.getPort() > 0 ? j.getPort() : 22;
        String jumpUser = jump.user() != null ? jump.user() : j == null || j.getUsername() == null || j.getUsername().isBlank()
            ? null : j.getUsername();
        jumps.add(new SshAddress(jumpUser, jumpHost, jumpPort));
      }
    } catch (IllegalArgumentException bad) {
      throw new JobException(ExitCodes.DATA, "bad_ssh_config", "host " + name + " in " + config + ": ProxyJump "
          + bad.getMessage(), "write ProxyJump as [USER@]HOST[:PORT][,...]");
    }
    String certificate = e.getProperty("CertificateFile");
    HostProfile.Timing timing;
    try {
      timing = new HostProfile.Timing(HostProfile.Timing.seconds(e.getProperty("ConnectTimeout")),
          HostProfile.Timing.seconds(e.getProperty("ServerAliveInterval")),
          "yes".equalsIgnoreCase(String.valueOf(e.getProperty("IdentitiesOnly")).strip()));
    } catch (IllegalArgumentException bad) {
      throw new JobException(ExitCodes.DATA, "bad_ssh_config", "host " + name + " in " + config + ": " + bad.getMessage(),
          "fix that block");
    }
    String knownFiles = e.getProperty("UserKnownHostsFile");
    String alias = e.getProperty("HostKeyAlias");
    HostProfile.HostKeyChecking hostKeys = new HostProfile.HostKeyChecking(knownFiles == null || knownFiles.isBlank() ? List.of()
        : Arrays.stream(knownFiles.split("[\\s,]+")).filter(f -> !f.isBlank()).map(f -> Path.of(expandHome(f))).toList(),
        alias == null || alias.isBlank() ? null : alias.strip(),
        HostProfile.HostKeyChecking.Strictness.parse(e.getProperty("StrictHostKeyChecking")));
    String proxyCommand = read.proxyCommand(e.getProperty("ProxyCommand"));
    if (proxyCommand != null && !proxyCommand.isBlank() && !proxyCommand.strip().equalsIgnoreCase("none") && !jumps.isEmpty()) {
      throw new JobException(ExitCodes.USAGE, "unsupported_ssh_config", "host " + name + " in " + config
          + " has both ProxyJump and ProxyCommand", "keep one of them for this host");
    }
    return new Found(new HostProfile(name, address, identity, remoteDir, jumps,
        certificate == null || certificate.isBlank() ? null : Path.of(expandHome(certificate.strip())), timing, hostKeys,
        proxyCommand), List.copyOf(ignored));
  }


  private static String expandHome(String path) {
    return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
  }
}
