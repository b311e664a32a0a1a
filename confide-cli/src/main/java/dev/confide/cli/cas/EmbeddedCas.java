package dev.confide.cli.cas;

import dev.confide.cas.CasHome;
import dev.confide.cas.CasServer;
import dev.confide.cas.Database;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.UserKeysLock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * A CAS inside this process, for a user who has not set one up: H2 in the user's data directory,
 * listening on a random loopback port for as long as the command runs (in the daemon: until its
 * client has the exit code), trusting only the user.
 */
public final class EmbeddedCas implements AutoCloseable {
  private final CasServer server;
  public final CasClient client;

  private EmbeddedCas(CasServer server, CasClient client) {
    this.server = server;
    this.client = client;
  }

  public static Path dataDir(ConfideDirs dirs) {
    return dirs.data().resolve("embedded-cas");
  }

  public static EmbeddedCas start(ConfideDirs dirs, TlsIdentity user) throws Exception {
    Path dir = dataDir(dirs);
    CasHome home = CasHome.open(dir, "127.0.0.1", "localhost", "127.0.0.1");
    CasServer server = CasServer.start(home, Database.h2Url(dir), new InetSocketAddress("127.0.0.1", 0), Set.of(user.keyHash()));
    try {
      return new EmbeddedCas(server, CasClient.connect("embedded", URI.create(server.url()), server.fingerprint(), user));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The user's identity, created on first use: the embedded CAS needs someone to own the sessions. */
  public static TlsIdentity userIdentity(ConfideDirs dirs) throws IOException {
    return UserKeysLock.holding(dirs, () -> TlsIdentity.existsIn(dirs.identity()) ? TlsIdentity.load(dirs.identity())
        : TlsIdentity.create(dirs.identity(), System.getProperty("user.name", "confide-user")));
  }

  public CasClient client() {
    return client;
  }

  public String url() {
    return server.url();
  }

  public String fingerprint() {
    return server.fingerprint();
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.close();
  }
}
