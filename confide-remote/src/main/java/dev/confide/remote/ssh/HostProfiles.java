package dev.confide.remote.ssh;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.confide.cas.common.PrivateFiles;
import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The remote hosts a user added, in {@code hosts.toml} (0600) in the configuration folder, one
 * {@code [host.NAME]} table each: {@code ssh = "user@host:port"}, {@code identity = "/path/to/key"},
 * {@code remote_dir = ".confide"}, {@code jump = "user@bastion:22"} (jump hosts, as {@code ProxyJump}
 * writes them). It holds key paths, never keys, and is refused (with the
 * {@code chmod} to run) when group or others may read it.
 */
public final class HostProfiles {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private final Path file;
  private final TomlMapper toml = new TomlMapper();

  public HostProfiles(Path configDir) {
    this.file = configDir.resolve("hosts.toml");
  }

  public Path file() {
    return file;
  }

  /** Every added host, by name. */
  public Map<String, HostProfile> all() throws IOException {
    return profiles(tables());
  }

  private Map<String, HostProfile> profiles(Map<String, Map<String, String>> tables) {
    Map<String, HostProfile> hosts = new TreeMap<>();
    for (var e : tables.entrySet()) {
      Map<String, String> t = e.getValue();
      try {
        hosts.put(e.getKey(), new HostProfile(e.getKey(), SshAddress.parse(t.get("ssh")),
            t.get("identity") == null ? null : Path.of(t.get("identity")),
            t.getOrDefault("remote_dir", HostProfile.DEFAULT_REMOTE_DIR), HostProfile.parseJumps(t.get("jump")),
            t.get("certificate") == null ? null : Path.of(t.get("certificate")),
            new HostProfile.Timing(HostProfile.Timing.seconds(t.get("connect_timeout")),
                HostProfile.Timing.seconds(t.get("server_alive_interval")),
                "yes".equals(t.get("identities_only"))), hostKeys(t), t.get("proxy_command")));
      } catch (IllegalArgumentException bad) {
        throw new JobException(ExitCodes.DATA, "bad_hosts_file", "host " + e.getKey() + " in " + file + ": "
            + bad.getMessage(), "fix it with 'confide host add " + e.getKey() + " --ssh ... --force'");
      }
    }
    return hosts;
  }

  private static HostProfile.HostKeyChecking hostKeys(Map<String, String> t) {
    String files = t.get("known_hosts");
    HostProfile.HostKeyChecking.Strictness strict = HostProfile.HostKeyChecking.Strictness.parse(t.get("strict_host_key_checking"));
    if (strict == null) {
      throw new IllegalArgumentException("strict_host_key_checking is ask, yes or accept-new, not '"
          + t.get("strict_host_key_checking") + "'");
    }
    return new HostProfile.HostKeyChecking(files == null || files.isBlank() ? List.of()
        : java.util.Arrays.stream(files.split(",")).map(String::strip).map(Path::of).toList(), t.get("host_key_alias"), strict);
  }


  /** The hosts file's tables as written, by host name. */
  private Map<String, Map<String, String>> tables() throws IOException {
    if (!Files.exists(file)) {
      return new TreeMap<>();
    }
    try {
      Map<String, Map<String, Map<String, String>>> doc = toml.readValue(PrivateFiles.read(file), new TypeReference<>() {});
      return new TreeMap<>(doc.getOrDefault("host", Map.of()));
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new JobException(ExitCodes.DATA, "bad_hosts_file", file + " is not a hosts file: "
          + e.getOriginalMessage(), "fix it, or remove it and add the hosts again");
    }
  }

  /**
   * The directives of the user's ssh config that Confide did not follow when {@code name} was
   * added from it ({@code host check} lists them again); empty for a host given with {@code --ssh}.
   */
  public List<String> ignored(String name) throws IOException {
    String kept = tables().getOrDefault(name, Map.of()).get("ignored");
    return kept == null || kept.isBlank() ? List.of() : List.of(kept.split("; "));
  }

  public Optional<HostProfile> find(String name) throws IOException {
    return Optional.ofNullable(all().get(name));
  }

  /**
   * Adds {@code host}, or replaces the one of that name when {@code replace}. The name must be one
   * a command line can carry and not {@code local}; an identity file must be the user's own,
   * owner-only (as OpenSSH refuses an unprotected private key).
   */
  public void add(HostProfile host, boolean replace) throws IOException {
    add(host, replace, List.of());
  }

  /** As {@link #add(HostProfile, boolean)}, remembering the ssh config directives that were {@code ignored}. */
  public void add(HostProfile host, boolean replace, List<String> ignored) throws IOException {
    if (!NAME.matcher(host.name()).matches()) {
      throw new JobException(ExitCodes.USAGE, "bad_host_name", "'" + host.name() + "' is not a host name",
          "use letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    if (host.name().equals("local")) {
      throw new JobException(ExitCodes.USAGE, "reserved_host_name", "'local' is this machine's name",
          "give the remote host another name");
    }
    if (host.identity() != null) {
      Path key = host.identity();
      if (!Files.isRegularFile(key)) {
        throw new JobException(ExitCodes.NO_INPUT, "no_identity_file", "the identity file " + key + " does not exist",
            "give the private key you log in to " + host.address() + " with");
      }
      PrivateFiles.requireOwnerOnly(key);
    }
    Map<String, Map<String, String>> tables = tables();
    Map<String, HostProfile> hosts = profiles(tables);
    if (hosts.containsKey(host.name()) && !replace) {
      throw new JobException(ExitCodes.CANT_CREATE, "host_exists", "a host named " + host.name() + " exists ("
          + hosts.get(host.name()).address() + ")", "remove it first, or pass --force to replace it");
    }
    hosts.put(host.name(), host);
    Map<String, String> ignoredByHost = ignoredByHost(tables);
    ignoredByHost.remove(host.name());
    if (!ignored.isEmpty()) {
      ignoredByHost.put(host.name(), String.join("; ", ignored));
    }
    write(hosts, ignoredByHost);
  }

  /** Removes the host named {@code name}; false when there was none. */
  public boolean remove(String name) throws IOException {
    Map<String, Map<String, String>> tables = tables();
    Map<String, HostProfile> hosts = profiles(tables);
    if (hosts.remove(name) == null) {
      return false;
    }
    Map<String, String> ignoredByHost = ignoredByHost(tables);
    ignoredByHost.remove(name);
    write(hosts, ignoredByHost);
    return true;
  }

  /** Each host's directives not followed, as the file keeps them. */
  private static Map<String, String> ignoredByHost(Map<String, Map<String, String>> tables) {
    Map<String, String> ignored = new TreeMap<>();
    tables.forEach((n, t) -> {
      if (t.get("ignored") != null) {
        ignored.put(n, t.get("ignored"));
      }
    });
    return ignored;
  }

  private void write(Map<String, HostProfile> hosts, Map<String, String> ignoredByHost) throws IOException {
    Map<String, Map<String, String>> tables = new TreeMap<>();
    for (HostProfile h : hosts.values()) {
      Map<String, String> t = new LinkedHashMap<>();
      t.put("ssh", h.address().toString());
      if (h.identity() != null) {
        t.put("identity", h.identity().toAbsolutePath().toString());
      }
      t.put("remote_dir", h.remoteDir());
      if (!h.jumps().isEmpty()) {
        t.put("jump", h.jumpSpec());
      }
      if (h.timing().connectSeconds() != 0) {
        t.put("connect_timeout", Integer.toString(h.timing().connectSeconds()));
      }
      if (h.timing().aliveSeconds() != 0) {
        t.put("server_alive_interval", Integer.toString(h.timing().aliveSeconds()));
      }
      if (!h.hostKeys().knownHostsFiles().isEmpty()) {
        t.put("known_hosts", String.join(",", h.hostKeys().knownHostsFiles().stream().map(Path::toString).toList()));
      }
      if (h.hostKeys().alias() != null) {
        t.put("host_key_alias", h.hostKeys().alias());
      }
      if (h.hostKeys().strictness() != HostProfile.HostKeyChecking.Strictness.ASK) {
        t.put("strict_host_key_checking", h.hostKeys().strictness().spec());
      }
      if (h.proxyCommand() != null) {
        t.put("proxy_command", h.proxyCommand());
      }
      if (h.timing().identitiesOnly()) {
        t.put("identities_only", "yes");
      }
      if (h.certificate() != null) {
        t.put("certificate", h.certificate().toAbsolutePath().toString());
      }
      if (ignoredByHost.containsKey(h.name())) {
        t.put("ignored", ignoredByHost.get(h.name()));
      }
      tables.put(h.name(), t);
    }
    PrivateFiles.directory(file.getParent());
    PrivateFiles.write(file, toml.writeValueAsBytes(Map.of("host", tables)));
  }
}
