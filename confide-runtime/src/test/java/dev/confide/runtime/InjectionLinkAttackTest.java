package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack: run 1's program replaces a part of its writable volume with a link to a host path;
 * run 2's injection of a secret file into that part must not write (or truncate, or chmod)
 * anything on the host, and is refused as an integrity violation.
 */
class InjectionLinkAttackTest {
  @TempDir Path tmp;
  RunFixture host;
  Path hostFolder;
  Path hostFile;

  @BeforeEach
  void setUp() throws Exception {
    host = new RunFixture(tmp);
    hostFolder = Files.createDirectories(tmp.resolve("host-folder"));
    hostFile = Files.writeString(tmp.resolve("host-file"), "the host's own content\n");
    Files.setPosixFilePermissions(hostFile, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterEach
  void tearDown() throws Exception {
    host.close();
  }

  /** A session whose program, on its first run, turns {@code /work/conf} (or the file in it) into a link. */
  private Map<String, Path> session(String name, String attack) throws Exception {
    Path code = Files.createDirectories(tmp.resolve(name + "-code"));
    Files.writeString(code.resolve("main.py"), """
        import os
        if not os.path.exists("/work/done"):
            %s
            open("/work/done", "w").write("1")
            print("planted")
        else:
            print("second run ran")
        """.formatted(attack));
    SymmetricKey key = SymmetricKey.generate();
    SealResult sealed = new VolumeSealer().seal(code, tmp.resolve(name + "-code-volume"), key, Progress.NONE);
    host.cas.user.createSession("""
        name: %s
        services:
          - name: app
            image_name: img
            command: python3 /code/main.py
            environment: {PATH: /usr/bin:/bin}
            stream_output: true
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: code, key: %s, tag: %s}, {name: work}]
        images:
          - name: img
            volumes: [{name: code, path: /code, read_only: true}, {name: work, path: /work}]
            injection_files:
              - {path: /work/conf/secret.txt, content: "password=$$CONFIDE::token$$"}
        secrets: [{name: token, kind: ascii, size: 24}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(name, host.python("/usr/bin:/bin"), HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex()));
    return Map.of("code", tmp.resolve(name + "-code-volume"), "work", tmp.resolve(name + "-work"));
  }

  @Test
  void aFolderSwappedForALinkToAHostFolderIsRefusedAndTheHostFolderStaysEmpty() throws Exception {
    Map<String, Path> volumes = session("folder", """
        os.remove("/work/conf/secret.txt"); os.rmdir("/work/conf"); os.symlink("%s", "/work/conf")"""
        .formatted(hostFolder));
    RunFixture.Outcome first = host.run(RunFixture.request("folder", "app", volumes));
    assertThat(first.output()).contains("planted");
    assertThatThrownBy(() -> host.run(RunFixture.request("folder", "app", volumes)))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.INTEGRITY);
          assertThat(f.getMessage()).isEqualTo("injection file /work/conf/secret.txt: /work/conf in volume work is a symbolic link;"
              + " an injection file is never written through a link or over a folder");
        });
    try (var listed = Files.list(hostFolder)) {
      assertThat(listed).as("nothing written into the host's folder").isEmpty();
    }
  }

  @Test
  void aFileSwappedForALinkToAHostFileIsRefusedAndTheHostFileIsUntouched() throws Exception {
    Map<String, Path> volumes = session("file", """
        os.remove("/work/conf/secret.txt"); os.symlink("%s", "/work/conf/secret.txt")""".formatted(hostFile));
    host.run(RunFixture.request("file", "app", volumes));
    assertThatThrownBy(() -> host.run(RunFixture.request("file", "app", volumes)))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> {
          assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.INTEGRITY);
          assertThat(f.getMessage()).contains("/work/conf/secret.txt in volume work is a symbolic link");
        });
    assertThat(Files.readString(hostFile)).isEqualTo("the host's own content\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hostFile))).isEqualTo("rw-r--r--");
  }
}
