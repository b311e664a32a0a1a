package dev.confide.runtime;

import dev.confide.cas.CasHome;
import dev.confide.cas.CasServer;
import dev.confide.cas.Database;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.TlsIdentity;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/** A real CAS over HTTPS on loopback, with a user (who creates sessions) and the runtime's anonymous client. */
final class LocalCas implements AutoCloseable {
  final CasServer server;
  final CasClient user;
  final CasClient runtime;

  LocalCas(Path dir) throws Exception {
    TlsIdentity identity = TlsIdentity.create(dir.resolve("user"), "user");
    CasHome home = CasHome.open(dir.resolve("cas"), "127.0.0.1");
    server = CasServer.start(home, Database.h2Url(dir.resolve("cas")), new InetSocketAddress("127.0.0.1", 0), Set.of(identity.keyHash()));
    user = CasClient.connect("test", URI.create(server.url()), server.fingerprint(), identity);
    runtime = client();
  }

  /** Another anonymous client, as a second runtime would have. */
  CasClient client() {
    return CasClient.connect("test", URI.create(server.url()), server.fingerprint(), null);
  }

  @Override
  public void close() throws Exception {
    user.close();
    runtime.close();
    server.close();
  }
}
