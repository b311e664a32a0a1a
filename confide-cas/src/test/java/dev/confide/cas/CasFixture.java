package dev.confide.cas;

import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.TlsIdentity;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/** A running CAS on loopback with two users, alice (also the auditor) and bob. */
final class CasFixture implements AutoCloseable {
  final Path dir;
  final CasServer server;
  final TlsIdentity alice;
  final TlsIdentity bob;

  CasFixture(Path dir, String jdbcUrl) throws Exception {
    this.dir = dir;
    this.alice = TlsIdentity.create(dir.resolve("alice"), "alice");
    this.bob = TlsIdentity.create(dir.resolve("bob"), "bob");
    CasHome home = CasHome.open(dir.resolve("cas"), "127.0.0.1", "localhost");
    String url = jdbcUrl != null ? jdbcUrl : Database.h2Url(home.dir());
    this.server = CasServer.start(home, url, new InetSocketAddress("127.0.0.1", 0), Set.of(alice.keyHash()),
        Set.of(alice.keyHash(), bob.keyHash()));
  }

  /** A stand-in "python3" in {@code dir} and its measurement under a made-up runtime digest. */
  static dev.confide.attest.Measurement measuredProgram(Path dir) throws Exception {
    Path program = java.nio.file.Files.writeString(dir.resolve("python3"), "#!/bin/sh\n");
    java.nio.file.Files.setPosixFilePermissions(program, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    return new dev.confide.attest.Measurer("d".repeat(64)).measure(java.util.List.of(program.toString()), null);
  }

  CasClient client(TlsIdentity who) {
    return CasClient.connect("test", URI.create(server.url()), server.fingerprint(), who);
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
