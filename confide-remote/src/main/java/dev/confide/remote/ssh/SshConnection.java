package dev.confide.remote.ssh;

import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.server.forward.AgentForwardingFilter;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.X11ForwardingFilter;

/**
 * A logged-in SSH connection to a remote host, as its profile says: the host's key checked by
 * {@link KnownHostsPolicy} (never MINA's accept-all default), public-key login only, with the
 * keys of the user's ssh-agent ({@code SSH_AUTH_SOCK}, {@link UnixSocketAgent}) and the profile's
 * identity file. Every way it can fail ends in one line and an exit code: an unreachable
 * host 69, an unconfirmed host key or a refused login 77, a changed or revoked host key 80.
 */
public final class SshConnection implements AutoCloseable {
  /** How long opening a channel may take. */
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  /** How long a command run on the host may take (checking a runtime's files with sha256sum among them). */
  static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

  /** One logged-in SSH session of a route: a jump host, or the host itself (the last). */
  private record Hop(SshClient client, ClientSession session, ExplicitPortForwardingTracker[] forward,
      ProxyCommandBridge proxy) {
    void close() {
      if (proxy != null) {
        proxy.close();
      }
      try {
        if (forward[0] != null) {
          forward[0].close();
        }
      } catch (IOException ignored) {
        // the session closes next
      }
      closeQuietly(session);
      client.stop();
    }
  }

  private final List<Hop> route;
  private final ClientSession session;
  private final HostProfile host;

  private SshConnection(List<Hop> route, HostProfile host) {
    this.route = List.copyOf(route);
    this.session = route.getLast().session();
    this.host = host;
  }

  /**
   * Connects to {@code host} and logs in; {@code knownHosts} are read for its key (the last one is
   * where a confirmed new key is written), {@code unknown} decides a key none of them names.
   */
  public static SshConnection open(HostProfile host, List<Path> knownHosts, UnknownHostKeys unknown) {
    String sock = System.getenv("SSH_AUTH_SOCK");
    return open(host, knownHosts, unknown, sock == null || sock.isBlank() ? null : Path.of(sock), KeyPassphrases.NONE);
  }

  /**
   * As {@link #open(HostProfile, List, UnknownHostKeys)}, with the ssh-agent at {@code agentSocket}
   * (null: none) and {@code passphrases} for a protected identity file. A host reached through jump
   * hosts is reached as {@code ssh -J} does: each jump host is logged in to (its host key checked
   * as the host's is, with the same keys), and the next is reached through a forward of the one
   * before (bound to this machine's loopback); the host's own key is checked against its own name.
   */
  public static SshConnection open(HostProfile host, List<Path> knownHosts, UnknownHostKeys unknown, Path agentSocket,
      KeyPassphrases passphrases) {
    List<SshAddress> addresses = new ArrayList<>(host.jumps());
    addresses.add(host.address());
    List<Hop> opened = new ArrayList<>();
    try {
      SshdSocketAddress via = null;
      for (int i = 0; i < addresses.size(); i++) {
        SshAddress a = addresses.get(i);
        boolean last = i == addresses.size() - 1;
        String label = last ? host.name() + " (" + a + ")" : "jump host " + a;
        if (!host.jumps().isEmpty() && last) {
          label += " through " + host.jumpSpec();
        }
        // the host's own key as ~/.ssh/config files it (UserKnownHostsFile, HostKeyAlias); Confide's
        // own known_hosts stays where a confirmed key is written
        List<Path> files = knownHosts;
        if (!host.hostKeys().knownHostsFiles().isEmpty()) {
          files = new ArrayList<>(host.hostKeys().knownHostsFiles());
          files.add(knownHosts.getLast());
        }
        SshAddress keyedAs = last && host.hostKeys().alias() != null ? new SshAddress(a.user(), host.hostKeys().alias(), 22) : a;
        Hop hop = login(host, a, keyedAs, label, via, files, unknown, agentSocket, passphrases);
        opened.add(hop);
        if (!last) {
          SshAddress next = addresses.get(i + 1);
          try {
            hop.forward()[0] = hop.session().createLocalPortForwardingTracker(new SshdSocketAddress("127.0.0.1", 0),
                new SshdSocketAddress(next.host(), next.port()));
          } catch (IOException e) {
            throw new JobException(ExitCodes.UNAVAILABLE, "jump_failed", "jump host " + a + " would not forward to " + next + ": "
                + e.getMessage(), "check that its sshd allows forwarding (AllowTcpForwarding)", e);
          }
          via = hop.forward()[0].getBoundAddress();
        }
      }
      return new SshConnection(opened, host);
    } catch (RuntimeException e) {
      for (Hop h : opened.reversed()) {
        h.close();
      }
      throw e;
    }
  }

  /** Logs in to {@code a} (directly, or through the forward {@code via} of the hop before), as {@code label}. */
  private static Hop login(HostProfile host, SshAddress a, SshAddress keyedAs, String label, SshdSocketAddress via,
      List<Path> knownHosts,
      UnknownHostKeys unknown, Path agentSocket, KeyPassphrases passphrases) {
    boolean[] locked = new boolean[1];
    int[] wrong = new int[1];
    String user = a.user() != null ? a.user() : System.getProperty("user.name");
    KnownHostsPolicy policy = new KnownHostsPolicy(keyedAs.host(), keyedAs.port(), knownHosts, knownHosts.getLast(), unknown);
    SshClient client = via == null ? SshClient.setUpDefaultClient() : org.apache.sshd.client.ClientBuilder.builder()
        .factory(() -> new ThroughForward(new SshdSocketAddress(a.host(), a.port()))).build();
    // the profile says where and how: MINA must not read ~/.ssh/config behind it
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setServerKeyVerifier(policy);
    // AES-GCM first: the JDK's is hardware-accelerated, MINA's ChaCha20-Poly1305 (its default first
    // choice) is plain Java and held transfers to a third of OpenSSH's (docs/benchmarks.md)
    client.setCipherFactories(List.<org.apache.sshd.common.NamedFactory<org.apache.sshd.common.cipher.Cipher>>of(
        BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr,
        BuiltinCiphers.aes256ctr, BuiltinCiphers.cc20p1305_openssh));
    // the host may open channels back only for the forwards this client asked for (a run's CAS):
    // MINA checks that a forwarded channel names one of them; no agent, no X11, nothing else
    client.setForwardingFilter(ForwardingFilter.asForwardingFilter(AgentForwardingFilter.of(false),
        X11ForwardingFilter.of(false), new TcpForwardingFilter() {
          @Override
          public boolean canListen(org.apache.sshd.common.util.net.SshdSocketAddress address,
              org.apache.sshd.common.session.Session session) {
            return false;
          }

          @Override
          public boolean canConnect(Type type, org.apache.sshd.common.util.net.SshdSocketAddress address,
              org.apache.sshd.common.session.Session session) {
            return type == Type.Forwarded;
          }
        }));
    if (host.identity() != null) {
      KeyIdentityProvider keys = new FileKeyPairProvider(host.identity());
      Path certificate = host.certificateFile();
      client.setKeyIdentityProvider(certificate == null ? keys : UserCertificate.presenting(certificate, keys));
      client.setFilePasswordProvider(new org.apache.sshd.common.config.keys.FilePasswordProvider() {
        @Override
        public String getPassword(org.apache.sshd.common.session.SessionContext session,
            org.apache.sshd.common.NamedResource resource, int attempt) {
          String given = passphrases.passphrase(host.identity(), attempt);
          if (given == null) {
            locked[0] = true;
          }
          return given;
        }

        // as ssh: a wrong passphrase is asked for again, three tries in all
        @Override
        public ResourceDecodeResult handleDecodeAttemptResult(org.apache.sshd.common.session.SessionContext session,
            org.apache.sshd.common.NamedResource resource, int attempt, String password, Exception err) {
          if (err == null) {
            return ResourceDecodeResult.TERMINATE;
          }
          wrong[0]++;
          return attempt + 1 < KeyPassphrases.TRIES ? ResourceDecodeResult.RETRY : ResourceDecodeResult.TERMINATE;
        }
      });
    }
    if (agentSocket != null) {
      if (host.timing().identitiesOnly() && host.identity() != null) {
        // only the identity's own key, when the agent holds it (a protected key loaded there)
        PublicKey own = publicHalf(host.identity());
        client.setAgentFactory(UnixSocketAgent.factory(agentSocket, key -> own != null && KeyUtils.compareKeys(own, key)));
      } else {
        client.setAgentFactory(UnixSocketAgent.factory(agentSocket));
      }
    }
    // larger windows and packets than MINA's defaults: fewer round trips and per-packet cipher set-ups
    org.apache.sshd.core.CoreModuleProperties.WINDOW_SIZE.set(client, 16L << 20);
    // as ssh does: small packets (a forwarded CAS request, an event line) leave at once, not after
    // the peer's delayed acknowledgement
    org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(client, true);
    // a connection that went silent (a host gone, a network cut) is given up after three unanswered
    // probes, as ssh's ServerAliveInterval with ServerAliveCountMax 3: a run then ends, commits nothing
    org.apache.sshd.core.CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, host.timing().alive());
    org.apache.sshd.core.CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, host.timing().alive());
    org.apache.sshd.core.CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
    client.start();
    ClientSession session = null;
    ProxyCommandBridge proxy = null;
    try {
      String connectHost = via == null ? a.host() : via.getHostName();
      int connectPort = via == null ? a.port() : via.getPort();
      if (host.proxyCommand() != null && via == null && host.jumps().isEmpty()) {
        // the user's ProxyCommand carries the connection, as ssh runs it
        proxy = ProxyCommandBridge.start(host.proxyCommand(), a, user);
        connectHost = "127.0.0.1";
        connectPort = proxy.port();
      }
      session = client.connect(user, connectHost, connectPort).verify(host.timing().connect()).getSession();
      session.auth().verify(host.timing().connect());
      return new Hop(client, session, new ExplicitPortForwardingTracker[1], proxy);
    } catch (IOException | RuntimeException e) {
      closeQuietly(session);
      client.stop();
      if (proxy != null) {
        proxy.close();
        String said = proxy.said();
        if (!said.isEmpty()) {
          throw new JobException(ExitCodes.UNAVAILABLE, "proxy_command_failed", "cannot reach " + label + " through its"
              + " ProxyCommand: it said '" + said + "'", "check the ProxyCommand of this host in your ssh config", e);
        }
      }
      if (wrong[0] > 0 && !locked[0] || wrong[0] >= KeyPassphrases.TRIES) {
        throw new JobException(ExitCodes.DENIED, "key_passphrase_wrong", "the passphrase given for the identity file "
            + host.identity() + " was wrong (" + wrong[0] + (wrong[0] == 1 ? " try)" : " tries)"), "run it again and type"
            + " the key's passphrase, or add the key to your ssh-agent ('ssh-add " + host.identity() + "')", e);
      }
      if (locked[0]) {
        throw new JobException(ExitCodes.DENIED, "key_passphrase", "the identity file " + host.identity()
            + " is protected by a passphrase, and none was given", "add the key to your ssh-agent ('ssh-add " + host.identity() + "'); a command that runs in its own JVM at a"
            + " terminal (host check, or CONFIDE_DAEMON=off) asks for it instead", e);
      }
      throw failure(host, label, a, user, policy.refusal(), e);
    }
  }

  /**
   * A client whose session goes through a jump host's forward on this machine's loopback, but is
   * to the host behind it: a host certificate's principals are checked against that host's
   * name, as ssh checks them, not against the forward's 127.0.0.1. MINA sets the address it checks
   * as the connection completes, before the key exchange can reach the check; this sets it right after.
   */
  private static final class ThroughForward extends SshClient {
    private final SshdSocketAddress target;

    ThroughForward(SshdSocketAddress target) {
      this.target = target;
    }

    @Override
    protected void onConnectOperationComplete(org.apache.sshd.common.io.IoSession ioSession,
        org.apache.sshd.client.future.ConnectFuture future, String username, java.net.SocketAddress address,
        org.apache.sshd.common.keyprovider.KeyIdentityProvider identities,
        org.apache.sshd.client.config.hosts.HostConfigEntry hostConfig) throws IOException, java.security.GeneralSecurityException {
      super.onConnectOperationComplete(ioSession, future, username, address, identities, hostConfig);
      var session = org.apache.sshd.common.session.helpers.AbstractSession.getSession(ioSession, true);
      if (session instanceof org.apache.sshd.client.session.AbstractClientSession c) {
        c.setConnectAddress(target);
      }
    }
  }

  /** The public half of an identity, from its {@code .pub} beside it; null when there is none. */
  private static PublicKey publicHalf(Path identity) {
    Path pub = identity.resolveSibling(identity.getFileName() + ".pub");
    try {
      return java.nio.file.Files.isRegularFile(pub) ? org.apache.sshd.common.config.keys.PublicKeyEntry.parsePublicKeyEntry(
          java.nio.file.Files.readString(pub).strip()).resolvePublicKey(null, null,
          org.apache.sshd.common.config.keys.PublicKeyEntryResolver.IGNORING) : null;
    } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  private static JobException failure(HostProfile host, String where, SshAddress a, String user, HostKeyRefusal refusal,
      Exception e) {
    if (refusal != null) {
      int code = refusal.kind() == HostKeyRefusal.Kind.UNKNOWN ? ExitCodes.DENIED : ExitCodes.INTEGRITY;
      String error = switch (refusal.kind()) {
        case UNKNOWN -> "unknown_host_key";
        case CHANGED -> "host_key_changed";
        case REVOKED -> "host_key_revoked";
      };
      return new JobException(code, error, refusal.message(), refusal.hint(), e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException) {
        return new JobException(ExitCodes.UNAVAILABLE, "host_unreachable", "cannot connect to " + where + ": connection refused",
            "check that the host is up and its sshd listens on port " + a.port(), e);
      }
      if (t instanceof UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
        return new JobException(ExitCodes.UNAVAILABLE, "unknown_host_name", "cannot resolve the host name "
            + a.host() + " of " + where, "check the name, or give its address with 'confide host add "
            + host.name() + " --ssh ... --force'", e);
      }
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (message.contains("KeyExchange signature verification failed")) {
      // MINA refused the host's certificate itself (a name it does not list, expired, not a host certificate)
      return new JobException(ExitCodes.DENIED, "host_certificate_refused", "the host certificate of " + where
          + " does not hold: " + message.replace("KeyExchange signature verification failed, ", "").lines().findFirst().orElse(""),
          "reach the host by a name its certificate lists, or have its operator certify this one", e);
    }
    if (message.contains("No more authentication methods") || message.contains("authentication")) {
      return new JobException(ExitCodes.DENIED, "login_refused", where + " refused the login as " + user + " with "
          + (host.identity() == null ? "no identity file" : "the key " + host.identity()) + " (public key only)",
          "install the key's public half in " + user + "'s ~/.ssh/authorized_keys there, or give another with --identity"
              + (host.identity() != null && !host.timing().identitiesOnly() && System.getenv("SSH_AUTH_SOCK") != null
                  ? "; if your ssh-agent holds many keys, the host's MaxAuthTries may be used up before this one: add the host"
                      + " with --identities-only" : ""), e);
    }
    if (message.toLowerCase(java.util.Locale.ROOT).contains("timeout") || message.contains("timed out")) {
      return new JobException(ExitCodes.UNAVAILABLE, "host_timeout", "no answer from " + where + " within "
          + host.timing().connect().toSeconds() + " s", "check the host and the network between", e);
    }
    return new JobException(ExitCodes.UNAVAILABLE, "ssh_failed", "cannot connect to " + where + ": " + message.lines()
        .findFirst().orElse(""), "check the host's sshd", e);
  }

  /** Runs {@code command} on the host and returns its standard output; a non-zero exit is an IOException. */
  public String run(String command) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    try {
      session.executeRemoteCommand(command, out, err, java.nio.charset.StandardCharsets.UTF_8, COMMAND_TIMEOUT);
    } catch (java.rmi.RemoteException e) {
      // MINA's message repeats the whole command; what the host said on standard error is the news
      String said = err.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
      throw new IOException(said.isEmpty() ? "a command on " + host.name() + " failed (" + e.getMessage().replaceAll(
          ".*(exit status=\\d+).*", "$1") + ")" : said.lines().reduce((a, b) -> b).orElse(said), e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Removes the tree {@code dir} on the host if it can; what a lost connection leaves there holds
   * ciphertext or the public runtime only, and a later run's sweep removes it.
   */
  public void removeQuietly(String dir) {
    try {
      run("rm -rf " + HostCheck.shellQuoted(dir));
    } catch (IOException ignored) {
      // see above
    }
  }

  public HostProfile host() {
    return host;
  }

  /** The logged-in session, for channels of other kinds (SFTP). */
  ClientSession session() {
    return session;
  }

  private static void closeQuietly(ClientSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (IOException ignored) {
        // closing a failed session says nothing more
      }
    }
  }

  @Override
  public void close() {
    for (Hop h : route.reversed()) {
      h.close();
    }
  }
}
