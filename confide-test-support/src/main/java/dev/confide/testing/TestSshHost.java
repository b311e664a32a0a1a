package dev.confide.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An SSH host on loopback for tests: MINA SSHD's server with a fresh P-256 host key, letting in
 * the one user key it was given, running commands with this machine's shell, serving SFTP and
 * forwarding ports as OpenSSH does by default.
 */
public final class TestSshHost implements AutoCloseable {
  private final SshServer server;
  private final KeyPair hostKey;
  private volatile java.util.function.Consumer<Path> uploaded = file -> { };
  private volatile java.util.function.Predicate<Path> dropOn = file -> false;
  private volatile java.util.function.Consumer<Path> beforeOpen = file -> { };
  private final List<String> forwardedTo;
  private final java.util.concurrent.atomic.AtomicInteger logins = new java.util.concurrent.atomic.AtomicInteger();

  private final String[] path;

  private TestSshHost(SshServer server, KeyPair hostKey, List<String> forwardedTo, String[] path) {
    this.server = server;
    this.hostKey = hostKey;
    this.forwardedTo = forwardedTo;
    this.path = path;
  }

  /**
   * Runs the commands of later sessions with {@code dir} as their only PATH: a host that lacks a
   * program (the test links every other one of /usr/bin there).
   */
  public void commandPath(Path dir) {
    path[0] = dir.toString();
  }

  /**
   * Drops the connection (closes the SSH session at once) when an SFTP client opens a file or
   * folder {@code when} accepts: the network failing at a chosen point of a transfer.
   */
  public void dropWhenOpened(java.util.function.Predicate<Path> when) {
    dropOn = when;
  }

  /**
   * Calls {@code hook} with each file or folder an SFTP client is about to open: a host operator's
   * chance to change what a download will find.
   */
  public void beforeOpened(java.util.function.Consumer<Path> hook) {
    beforeOpen = hook;
  }

  /** Where clients asked this host to connect them ({@code HOST:PORT}): a jump host's forwards. */
  public List<String> forwardedTo() {
    return List.copyOf(forwardedTo);
  }

  /**
   * Calls {@code hook} with each file an SFTP client has written, once the client closed it: a
   * host operator's chance to change what was uploaded before the runtime reads it.
   */
  public void onUploaded(java.util.function.Consumer<Path> hook) {
    uploaded = hook;
  }

  /** How many SSH sessions logged in so far. */
  public int logins() {
    return logins.get();
  }

  /** A new P-256 key pair (host or user). */
  public static KeyPair ecKey() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A host that lets in {@code userKey} only. */
  public static TestSshHost start(KeyPair userKey) throws IOException, GeneralSecurityException {
    KeyPair hostKey = ecKey();
    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPublickeyAuthenticator((user, key, session) -> Arrays.equals(key.getEncoded(), userKey.getPublic().getEncoded()));
    server.setPasswordAuthenticator((user, password, session) -> false);
    String[] path = {null};
    server.setCommandFactory((channel, command) -> new ProcessShellCommandFactory().createCommand(channel,
        path[0] == null ? command : "PATH=" + path[0] + "; export PATH; " + command));
    SftpSubsystemFactory sftp = new SftpSubsystemFactory();
    server.setSubsystemFactories(List.of(sftp));
    // as OpenSSH's default (AllowTcpForwarding yes): a run's CAS is forwarded to the host's loopback
    List<String> forwards = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.setForwardingFilter(new org.apache.sshd.server.forward.AcceptAllForwardingFilter() {
      @Override
      public boolean canConnect(Type type, org.apache.sshd.common.util.net.SshdSocketAddress address,
          org.apache.sshd.common.session.Session session) {
        forwards.add(address.getHostName() + ":" + address.getPort());
        return true;
      }
    });
    TestSshHost host = new TestSshHost(server, hostKey, forwards, path);
    server.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
      @Override
      public void sessionEvent(org.apache.sshd.common.session.Session session, Event event) {
        if (event == Event.Authenticated) {
          host.logins.incrementAndGet();
        }
      }
    });
    sftp.addSftpEventListener(new org.apache.sshd.sftp.server.SftpEventListener() {
      @Override
      public void opening(org.apache.sshd.server.session.ServerSession session, String remoteHandle,
          org.apache.sshd.sftp.server.Handle localHandle) {
        host.beforeOpen.accept(localHandle.getFile());
      }

      @Override
      public void open(org.apache.sshd.server.session.ServerSession session, String remoteHandle,
          org.apache.sshd.sftp.server.Handle localHandle) {
        if (host.dropOn.test(localHandle.getFile())) {
          session.close(true);
        }
      }

      @Override
      public void closed(org.apache.sshd.server.session.ServerSession session, String remoteHandle,
          org.apache.sshd.sftp.server.Handle localHandle, Throwable thrown) {
        if (thrown == null && localHandle instanceof org.apache.sshd.sftp.server.FileHandle f
            && f.getOpenOptions().contains(java.nio.file.StandardOpenOption.WRITE)) {
          host.uploaded.accept(f.getFile());
        }
      }
    });
    server.start();
    return host;
  }

  public int port() {
    return server.getPort();
  }

  public KeyPair hostKey() {
    return hostKey;
  }

  /** A known_hosts line naming this host with {@code key} ({@code marker}: null, or "revoked"). */
  public String knownHostsLine(String marker, java.security.PublicKey key) throws IOException {
    StringBuilder line = new StringBuilder(marker == null ? "" : "@" + marker + " ").append("[127.0.0.1]:").append(port()).append(' ');
    return PublicKeyEntry.appendPublicKeyEntry(line, key).append('\n').toString();
  }

  /** Writes {@code pair} as an OpenSSH private key file, owner-only. */
  public static Path writeKey(Path file, KeyPair pair) throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "test", null, out);
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }
}
