package dev.confide.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * A real OpenSSH {@code sshd} (Debian's {@code openssh-server}) on 127.0.0.1 and a free high port,
 * with a throwaway host key, letting in the given user keys for {@link #ACCOUNT} only: a separate
 * local account, made when missing, so that what runs "on the host" cannot read the test's files.
 * Needs root (sshd changes to that account); {@link #unavailable()} says why not otherwise.
 */
public final class OpenSshHost implements AutoCloseable {
  /** The host's login: an account of its own on this machine. */
  public static final String ACCOUNT = "confide-host";
  private static final Path SSHD = Path.of("/usr/sbin/sshd");

  private final Process sshd;
  private final Path dir;
  private final int port;
  private final PublicKey hostKey;
  private final StringBuilder log = new StringBuilder();

  private OpenSshHost(Process sshd, Path dir, int port, PublicKey hostKey) {
    this.sshd = sshd;
    this.dir = dir;
    this.port = port;
    this.hostKey = hostKey;
  }

  /** Why no such host can run here, or empty when one can. */
  public static Optional<String> unavailable() {
    if (!Files.isExecutable(SSHD)) {
      return Optional.of("no " + SSHD + " (Debian package openssh-server; ./scripts/test installs it)");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("sshd must start as root to log in as the separate account " + ACCOUNT);
    }
    return Optional.empty();
  }

  /** Starts sshd letting {@code userKeys} in as {@link #ACCOUNT}; the account is made when missing. */
  public static OpenSshHost start(List<PublicKey> userKeys) throws IOException, InterruptedException, GeneralSecurityException {
    return start(userKeys, dir -> List.of());
  }

  /** More of sshd's configuration, made once its folder (readable by the account) and host key exist. */
  @FunctionalInterface
  public interface ExtraConfig {
    /** Lines for sshd_config; {@code dir} holds {@code host_ed25519} and {@code host_ed25519.pub}. */
    List<String> lines(Path dir) throws IOException, InterruptedException;
  }

  /** As {@link #start(List)}, with {@code extra} lines in sshd's configuration (certificates, trusted CAs). */
  public static OpenSshHost start(List<PublicKey> userKeys, ExtraConfig extra)
      throws IOException, InterruptedException, GeneralSecurityException {
    if (run("id", "-u", ACCOUNT) != 0 && run("useradd", "--create-home", "--shell", "/bin/sh", ACCOUNT) != 0) {
      throw new IOException("cannot make the account " + ACCOUNT);
    }
    // useradd leaves the password locked ("!"), and sshd without PAM refuses a locked account even
    // for a key: "*" is no password, not a lock
    if (run("usermod", "-p", "*", ACCOUNT) != 0) {
      throw new IOException("cannot unlock the account " + ACCOUNT + " for key logins");
    }
    // sshd reads authorized_keys as the account: the folder is readable by all, holds nothing secret but the host key (0600)
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "confide-sshd-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path key = dir.resolve("host_ed25519");
    if (run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "confide-test-host", "-f", key.toString()) != 0) {
      throw new IOException("ssh-keygen could not make a host key");
    }
    PublicKey hostKey = AuthorizedKeyEntry.parseAuthorizedKeyEntry(Files.readString(dir.resolve("host_ed25519.pub")).strip())
        .resolvePublicKey(null, null);
    StringBuilder keys = new StringBuilder();
    for (PublicKey k : userKeys) {
      keys.append(PublicKeyEntry.toString(k)).append('\n');
    }
    Path authorized = dir.resolve("authorized_keys");
    Files.writeString(authorized, keys);
    Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectories(Path.of("/run/sshd"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    List<String> more = extra.lines(dir);
    Files.writeString(config, String.join("\n", more) + "\n" + String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + key,
        "PidFile none",
        "AuthorizedKeysFile " + authorized,
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin no",
        "AllowUsers " + ACCOUNT,
        "AllowTcpForwarding yes",
        "Subsystem sftp internal-sftp",
        // the host's Java: Debian's default one may be older than the runtime needs
        "SetEnv JAVA_HOME=" + System.getProperty("java.home"),
        "LogLevel INFO", ""));
    Process sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString()).redirectErrorStream(true).start();
    OpenSshHost host = new OpenSshHost(sshd, dir, port, hostKey);
    BufferedReader out = new BufferedReader(new InputStreamReader(sshd.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = out.readLine()) != null; ) {
      host.logged(line);
      if (line.contains("Server listening on 127.0.0.1 port " + port)) {
        Thread.ofPlatform().daemon().start(() -> {
          try {
            for (String l; (l = out.readLine()) != null; ) {
              host.logged(l);
            }
          } catch (IOException ignored) {
            // sshd stopped
          }
        });
        return host;
      }
    }
    host.close();
    throw new IOException("sshd did not start: " + host.log());
  }

  private synchronized void logged(String line) {
    log.append(line).append('\n');
  }

  /** What sshd said so far. */
  public synchronized String log() {
    return log.toString();
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor();
  }

  public int port() {
    return port;
  }

  public PublicKey hostKey() {
    return hostKey;
  }

  /** The host key's fingerprint as OpenSSH prints it (SHA256:...). */
  public String fingerprint() {
    return KeyUtils.getFingerPrint(hostKey);
  }

  /** Runs {@code command} here (ssh-keygen, in tests), failing with its output unless it exits 0. */
  public static void exec(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  /** The account's home directory. */
  public static Path home() {
    return Path.of("/home", ACCOUNT);
  }

  /** Stops sshd and every session it forked. */
  @Override
  public void close() throws IOException {
    sshd.toHandle().descendants().forEach(ProcessHandle::destroy);
    sshd.destroy();
    try {
      sshd.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
