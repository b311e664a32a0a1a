package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.volume.Failure;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.TreeAuthenticator;
import dev.confide.volume.VolumeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service naming an authenticated tree (fspf_path/key/tag): verified before the program starts. */
class ImageTreeRunTest {
  @TempDir Path tmp;
  RunFixture host;
  Path app;
  SymmetricKey key;
  Tag tag;

  @BeforeEach
  void setUp() throws Exception {
    host = new RunFixture(tmp);
    app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("app.py"), "print('the tree is intact')\n");
    key = SymmetricKey.generate();
    tag = TreeAuthenticator.authenticate(app, key, app.resolve(TreeAuthenticator.DEFAULT_MANIFEST));
    host.cas.user.createSession(session("tree", "$$CONFIDE::tree_key:hex$$")
        + "secrets: [{name: tree_key, kind: binary, value: " + Base64.getEncoder().encodeToString(key.copyBytes()) + "}]\n");
  }

  /** A session whose service names the tree under {@code keyExpression} (hex, or a placeholder). */
  private String session(String name, String keyExpression) throws Exception {
    return """
        name: %s
        services:
          - name: app
            image_name: img
            command: python3 %s/app.py
            environment: {PATH: /usr/bin:/bin}
            stream_output: true
            fspf_path: %s/.confide-tree
            fspf_key: %s
            fspf_tag: %s
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: out}]
        images: [{name: img, volumes: [{name: out, path: /out}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(name, app, app, keyExpression, tag.hex(), host.python("/usr/bin:/bin"));
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  private String run() throws Exception {
    return run("tree");
  }

  private String run(String session) throws Exception {
    RunFixture.Outcome o = host.run(RunFixture.request(session, "app",
        Map.of("out", Files.createDirectories(tmp.resolve(session + "-out-volume")))));
    assertThat(o.report().exitCode()).as(o.output()).isZero();
    assertThat(o.report().phaseMillis()).containsKey("verify image");
    return o.output();
  }

  @Test
  void anIntactTreeRunsAndAChangedFileInItIsRefusedByName() throws Exception {
    assertThat(run()).contains("the tree is intact");
    Files.writeString(app.resolve("app.py"), "print('the tree was changed')\n");
    assertThatThrownBy(this::run).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).startsWith("the service's authenticated tree " + app + ":").contains("app.py");
    });
  }

  @Test
  void anAddedFileIsRefused() throws Exception {
    Files.writeString(app.resolve("sitecustomize.py"), "print('injected')\n");
    assertThatThrownBy(this::run).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).contains("sitecustomize.py");
    });
  }

  @Test
  void aTreeKeyWrittenInTheSessionIsKeptSealedAndStillReachesTheRuntime() throws Exception {
    String hex = java.util.HexFormat.of().formatHex(key.copyBytes());
    host.cas.user.createSession(session("literal", hex));
    assertThat(host.cas.user.session("literal").toString()).doesNotContain(hex);
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(host.cas.user.session("literal"))).doesNotContain(hex)
        .contains("fspf_key_sha256");
    assertThat(run("literal")).contains("the tree is intact");
  }
}
