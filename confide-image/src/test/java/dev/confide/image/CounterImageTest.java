package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.cas.CasHome;
import dev.confide.cas.CasServer;
import dev.confide.cas.Database;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.runtime.ContainerLaunch;
import dev.confide.testing.TreeCopies;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003 end to end: the counter's image converted with /code encrypted and /V1 a volume, its
 * policy made a session at a real CAS, and the converted image run as a container engine runs it
 * (umoci, bubblewrap) three times: 0, 1, 2. Then the seed's attack — copy the volume, run, put the
 * copy back, run — is refused as a rollback, and an image whose encrypted code was changed, or
 * whose authenticated /usr was, is refused before the program starts.
 */
class CounterImageTest {
  @TempDir Path tmp;
  CasServer server;
  CasClient user;
  HostKey hostKey;
  Path hostKeyFile;
  Path image;
  ConversionResult converted;

  @BeforeEach
  void convert() throws Exception {
    TlsIdentity identity = TlsIdentity.create(tmp.resolve("user"), "user");
    server = CasServer.start(CasHome.open(tmp.resolve("cas"), "127.0.0.1"), Database.h2Url(tmp.resolve("cas")),
        new InetSocketAddress("127.0.0.1", 0), Set.of(identity.keyHash()));
    user = CasClient.connect("test", URI.create(server.url()), server.fingerprint(), identity);
    hostKeyFile = tmp.resolve("host/host-key");
    hostKey = HostKey.create(hostKeyFile);
    user.trustSimHost(hostKey.keyHash());
    image = tmp.resolve("counter-confidential.tar");
    converted = new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(TestImages.counterBase(), image,
        tmp.resolve("policy.yaml"), "counter", "python3 /code/counter.py -v /V1/num", List.of("/code"), List.of(),
        List.of(new ConversionRequest.Volume("V1", "/V1")), null, null, "counter-test", null, TestImages.runtime(), true, null, null, null, false));
    user.createSession(Files.readString(converted.policy()));
  }

  @AfterEach
  void stop() throws Exception {
    user.close();
    server.close();
  }

  BwrapEngine.Exit run(BwrapEngine.Bundle bundle, Path v1) throws Exception {
    return BwrapEngine.run(bundle, Map.of(ContainerLaunch.CAS, server.url(), ContainerLaunch.FINGERPRINT, server.fingerprint(),
        ContainerLaunch.HOST_KEY, "/run/confide/host-key"), Map.of("/V1", v1, "/run/confide/host-key", hostKeyFile));
  }

  @Test
  void countsZeroOneTwoThenRefusesTheSeedsRollbackAndChangedCode() throws Exception {
    assertThat(converted.session()).isEqualTo("counter-test");
    assertThat(Files.getPosixFilePermissions(converted.policy())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    BwrapEngine.Bundle bundle = BwrapEngine.unpack(image, "localhost/counter:latest", tmp.resolve("unpacked"));
    assertThat(bundle.args()).isEqualTo(ImageConverter.ENTRYPOINT);
    assertThat(bundle.rootfs().resolve("code")).isEmptyDirectory();
    Path v1 = Files.createDirectories(tmp.resolve("v1"));
    for (int i = 0; i < 3; i++) {
      BwrapEngine.Exit exit = run(bundle, v1);
      assertThat(exit.code()).as(exit.output()).isZero();
      assertThat(exit.output()).contains("The number of executions is " + i)
          .contains("ran counter-test/counter confidentially").contains("  phases: attest ");
    }
    // the seed's attack: copy the volume, run once more, restore the copy, run
    Path saved = TreeCopies.copy(v1, tmp.resolve("v1-saved"));
    assertThat(run(bundle, v1).output()).contains("The number of executions is 3");
    Path latest = TreeCopies.copy(v1, tmp.resolve("v1-latest"));
    TreeCopies.replace(v1, saved);
    BwrapEngine.Exit rolledBack = run(bundle, v1);
    assertThat(rolledBack.code()).isEqualTo(80);
    assertThat(rolledBack.output()).contains("volume V1").contains("rolled back").doesNotContain("The number of executions");

    // the encrypted code changed in the image
    TreeCopies.replace(v1, latest);
    Path codeVolume = bundle.rootfs().resolve("confide/encrypted/encrypted-code");
    assertThat(codeVolume).isDirectory();
    Path object = largestFile(codeVolume);
    flipByte(object);
    BwrapEngine.Exit changedCode = run(bundle, v1);
    assertThat(changedCode.code()).isEqualTo(80);
    assertThat(changedCode.output()).contains("volume encrypted-code").doesNotContain("The number of executions");
    flipByte(object);

    // the authenticated /usr changed in the image
    Path os = bundle.rootfs().resolve("usr/lib/python3.11/os.py");
    Files.writeString(os, "\n# changed\n", java.nio.file.StandardOpenOption.APPEND);
    BwrapEngine.Exit changedUsr = run(bundle, v1);
    assertThat(changedUsr.code()).isEqualTo(80);
    assertThat(changedUsr.output()).contains("/usr/lib/python3.11/os.py").doesNotContain("The number of executions");
  }

  @Test
  void runsUnderPodmanAndRefusesTheSeedsRollback() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(PodmanEngine.installed(), "podman and runc are not installed");
    PodmanEngine podman = new PodmanEngine(tmp.resolve("podman"));
    assertThat(podman.load(image)).contains("localhost/counter:latest");
    Path v1 = Files.createDirectories(tmp.resolve("v1"));
    Map<String, String> env = Map.of(ContainerLaunch.CAS, server.url(), ContainerLaunch.FINGERPRINT, server.fingerprint(),
        ContainerLaunch.HOST_KEY, "/run/confide/host-key");
    Map<String, Path> mounts = Map.of("/V1", v1, "/run/confide/host-key", hostKeyFile);
    for (int i = 0; i < 2; i++) {
      BwrapEngine.Exit exit = podman.run("localhost/counter:latest", env, mounts);
      assertThat(exit.code()).as(exit.output()).isZero();
      assertThat(exit.output()).contains("The number of executions is " + i);
    }
    Path saved = TreeCopies.copy(v1, tmp.resolve("v1-saved"));
    assertThat(podman.run("localhost/counter:latest", env, mounts).output()).contains("The number of executions is 2");
    TreeCopies.replace(v1, saved);
    BwrapEngine.Exit rolledBack = podman.run("localhost/counter:latest", env, mounts);
    assertThat(rolledBack.code()).isEqualTo(80);
    assertThat(rolledBack.output()).contains("volume V1").contains("rolled back").doesNotContain("The number of executions");
  }

  @Test
  void theProgramRunsAsTheImagesUser() throws Exception {
    // the counter's base with one layer more, whose /etc/passwd gives its user 'app' another account
    Path accounts = Files.createDirectories(tmp.resolve("accounts/etc"));
    Files.writeString(accounts.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345::/home/app:/bin/sh\n");
    Files.writeString(accounts.resolve("group"), "root:x:0:\napp:x:2345:\n");
    Path base = tmp.resolve("as-app.tar");
    TestImages.dockerArchive(base, List.of(TestImages.TARGET.resolve("counter-os"), TestImages.TARGET.resolve("counter-app"),
        tmp.resolve("accounts")), List.of("PATH=/usr/bin:/bin", "LANG=C.UTF-8"), "/", "app");
    Path out = tmp.resolve("as-app-confidential.tar");
    ConversionResult r = new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(base, out,
        tmp.resolve("as-app-policy.yaml"), "whoami", "python3 -c \"import os, pwd; print('uid', os.getuid(), os.getgid(),"
        + " pwd.getpwuid(os.getuid()).pw_name)\"", List.of(), List.of(), List.of(), null, null, "whoami-test", null,
        TestImages.runtime(), true, null, null, null, false));
    assertThat(Files.readString(r.policy())).contains("user: \"1234:2345\"");
    user.createSession(Files.readString(r.policy()));
    BwrapEngine.Bundle bundle = BwrapEngine.unpack(out, "localhost/whoami:latest", tmp.resolve("unpacked-whoami"));
    BwrapEngine.Exit exit = BwrapEngine.run(bundle, Map.of(ContainerLaunch.CAS, server.url(), ContainerLaunch.FINGERPRINT,
        server.fingerprint(), ContainerLaunch.HOST_KEY, "/run/confide/host-key"), Map.of("/run/confide/host-key", hostKeyFile));
    assertThat(exit.code()).as(exit.output()).isZero();
    assertThat(exit.output()).contains("uid 1234 2345 confide");
  }

  private static Path largestFile(Path dir) throws Exception {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
  }

  private static void flipByte(Path file) throws Exception {
    byte[] b = Files.readAllBytes(file);
    b[b.length / 2] ^= 1;
    Files.write(file, b);
  }
}
