package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.TlsIdentity;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master key rotated as docs/cas-api.md says, while two replicas on one PostgreSQL serve: add a
 * key, copy the file, restart each replica in turn; promote it, the same; rewrap every stored
 * value; retire the old key. Every secret and volume key opens to what it was, through both.
 */
class MasterKeyRotationTest {
  @TempDir Path tmp;

  /** A CAS process of the pair: restarted on the same folder and database, as an operator would. */
  private static final class Replica implements AutoCloseable {
    final Path dir;
    final String url;
    final Set<String> admitted;
    CasServer server;

    Replica(Path dir, String url, Set<String> admitted) throws Exception {
      this.dir = dir;
      this.url = url;
      this.admitted = admitted;
      start();
    }

    void start() throws Exception {
      server = CasServer.start(CasHome.open(dir, "127.0.0.1"), url, new InetSocketAddress("127.0.0.1", 0), admitted);
    }

    void restart() throws Exception {
      server.close();
      start();
    }

    CasClient client(TlsIdentity who) {
      return CasClient.connect("replica", URI.create(server.url()), server.fingerprint(), who);
    }

    /** The primary key's id its {@code /health} reports. */
    String health() throws Exception {
      try (CasClient c = client(null)) {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.health()).get("master_key").asText();
      }
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }

  private static void copyKey(Path from, Path to) throws Exception {
    Files.copy(from.resolve(MasterKey.FILE), to.resolve(MasterKey.FILE), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
  }

  @Test
  void theMasterKeyIsRotatedWhileTwoReplicasServeAndEveryValueStillOpens() throws Exception {
    try (PostgresDatabases postgres = new PostgresDatabases()) {
      String url = postgres.freshDatabase();
      TlsIdentity alice = TlsIdentity.create(tmp.resolve("alice"), "alice");
      Path a = CasHome.open(tmp.resolve("cas-a"), "127.0.0.1").dir();
      Path b = tmp.resolve("cas-b");
      Files.createDirectories(b.resolve("tls"));
      for (String f : new String[] {MasterKey.FILE, "tls/key.pem", "tls/cert.pem", AuditKey.FILE}) {
        Files.copy(a.resolve(f), b.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
      }
      Files.setPosixFilePermissions(b, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      try (Replica ra = new Replica(a, url, Set.of(alice.keyHash())); Replica rb = new Replica(b, url, Set.of(alice.keyHash()))) {
        try (CasClient c = ra.client(alice)) {
          c.createSession("name: app\nsecrets: [{name: token, kind: ascii}, {name: cert, kind: x509}]\nvolumes: [{name: V}]\n");
        }
        byte[] token = ra.server.service().secretValues("app", "test").get("token");
        byte[] cert = ra.server.service().secretValues("app", "test").get("cert");
        byte[] volume = ra.server.service().volumeKey("app", "V", "test");
        long old = MasterKey.load(a).primaryId();

        // a new key beside the primary, on every replica, one restart at a time: the other serves meanwhile
        long fresh = MasterKey.add(a).keys().stream().filter(k -> !k.primary()).findFirst().orElseThrow().id();
        copyKey(a, b);
        ra.restart();
        assertThat(rb.server.service().secretValues("app", "test").get("token")).isEqualTo(token);
        rb.restart();
        assertThat(ra.health()).isEqualTo(String.format("%08x", old));

        // promoted, the same way; from then on each replica seals under it
        MasterKey.promote(a, fresh);
        copyKey(a, b);
        ra.restart();
        rb.restart();
        assertThat(List.of(ra.health(), rb.health())).containsOnly(String.format("%08x", fresh));
        try (CasClient c = rb.client(alice)) {
          c.createSession("name: later\nsecrets: [{name: s, kind: ascii}]\n");
        }

        try (MasterKeyRotation rotation = MasterKeyRotation.open(a, url)) {
          assertThat(rotation.sealedUnder()).isEqualTo(Map.of(old, 3L, fresh, 1L));
          MasterKeyRotation.Rewrap done = rotation.rewrap();
          assertThat(done).isEqualTo(new MasterKeyRotation.Rewrap(fresh, 3, 1, 0));
          assertThat(rotation.sealedUnder()).isEqualTo(Map.of(fresh, 4L));
          // a second rewrap finds nothing to do
          assertThat(rotation.rewrap().resealed()).isZero();
        }
        assertThatThrownBy(() -> MasterKey.retire(a, fresh)).hasMessageContaining("is the primary");
        MasterKey.retire(a, old);
        copyKey(a, b);
        ra.restart();
        rb.restart();
        assertThat(MasterKey.load(b).keys()).containsExactly(new MasterKey.KeyInfo(fresh, true));
        for (Replica r : List.of(ra, rb)) {
          assertThat(r.server.service().secretValues("app", "test")).satisfies(values -> {
            assertThat(values.get("token")).isEqualTo(token);
            assertThat(values.get("cert")).isEqualTo(cert);
          });
          assertThat(r.server.service().volumeKey("app", "V", "test")).isEqualTo(volume);
        }
        try (CasClient c = ra.client(alice)) {
          dev.confide.cas.api.AuditLog log = c.audit(0, 1000);
          assertThat(AuditChain.verify(log, c.serverKey())).isEmpty();
          assertThat(log.entries()).filteredOn(e -> e.kind().equals("master_key.rewrap")).hasSize(2)
              .first().satisfies(e -> assertThat(e.detail()).contains(String.format("primary=%08x resealed=3", fresh)));
        }
      }
    }
  }

  @Test
  void aKeyFileWithoutTheKeyThatSealedAValueRefusesItAsAnIntegrityFailure() throws Exception {
    Path dir = CasHome.open(tmp.resolve("cas"), "127.0.0.1").dir();
    MasterKey before = MasterKey.load(dir);
    byte[] sealed = before.seal("volume key".getBytes(java.nio.charset.StandardCharsets.UTF_8), "bound");
    long fresh = MasterKey.add(dir).keys().stream().filter(k -> !k.primary()).findFirst().orElseThrow().id();
    MasterKey.promote(dir, fresh);
    MasterKey.retire(dir, before.primaryId());
    assertThat(MasterKey.keyIdOf(sealed)).isEqualTo(before.primaryId());
    assertThatThrownBy(() -> MasterKey.load(dir).open(sealed, "bound")).isInstanceOfSatisfying(CasException.class,
        e -> assertThat(e.error()).isEqualTo("integrity"));
    assertThatThrownBy(() -> MasterKey.promote(dir, 0x1234L)).hasMessageContaining("has no key 00001234");
  }
}
