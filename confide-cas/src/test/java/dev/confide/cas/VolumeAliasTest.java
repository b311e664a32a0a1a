package dev.confide.cas;

import static dev.confide.cas.AttestationHandshakeTest.refused;
import static dev.confide.cas.CasRulesContract.tag;
import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cas.api.TagSwap;
import dev.confide.cas.client.CasClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCONE's {@code volume_alias} over real HTTPS: the alias is the volume, not a copy — one key, one
 * tag, one history — so a tag moved under one name is stale, and a rollback refused, under the other.
 */
class VolumeAliasTest {
  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
    alice = cas.client(cas.alice);
    alice.createSession("name: aliased\nvolumes: [{name: data, volume_alias: store}]\n");
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    cas.close();
  }

  @Test
  void bothNamesMoveOneTagAndNeitherRollsItBack() {
    alice.swap("aliased", "store", new TagSwap(null, tag(1)));
    assertThat(alice.volume("aliased", "data").tag()).isEqualTo(tag(1));
    alice.swap("aliased", "data", new TagSwap(tag(1), tag(2)));
    assertThat(alice.volume("aliased", "store").tag()).isEqualTo(tag(2));
    assertThat(alice.volume("aliased", "store").volume()).isEqualTo("data");
    refused(() -> alice.swap("aliased", "store", new TagSwap(tag(1), tag(3))), 409, "stale_tag", "not at " + tag(1));
    refused(() -> alice.swap("aliased", "store", new TagSwap(tag(2), tag(1))), 409, "rollback", "held tag " + tag(1) + " before");
    assertThat(alice.volumeKey("aliased", "store").equals(alice.volumeKey("aliased", "data"))).isTrue();
    refused(() -> alice.swap("aliased", "other", new TagSwap(tag(2), tag(3))), 404, "not_found", "has no volume other");
  }
}
