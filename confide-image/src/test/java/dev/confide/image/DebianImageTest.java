package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.cas.CasHome;
import dev.confide.cas.CasServer;
import dev.confide.cas.Database;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.runtime.ContainerLaunch;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Debian root file system (debootstrap --variant=minbase with python3: setuid programs,
 * hard links, alternatives links, device nodes) as the base image, with the counter in /code as a
 * layer above it: converted with all of /usr authenticated, it counts under umoci and bubblewrap.
 * The root file system is made once and kept under target/ (about 45 s from Debian's mirror).
 */
class DebianImageTest {
  static final Path ROOTFS = TestImages.TARGET.resolve("debian-minbase-python3");

  @TempDir Path tmp;

  static Path debian() throws Exception {
    Path done = ROOTFS.resolveSibling("debian-minbase-python3.done");
    if (Files.exists(done)) {
      return ROOTFS;
    }
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "debootstrap needs root");
    Assumptions.assumeTrue(dev.confide.attest.Executables.onPath("debootstrap").isPresent(), "debootstrap is not installed");
    DeleteTree.of(ROOTFS);
    Process p = new ProcessBuilder("debootstrap", "--variant=minbase", "--include=python3", "bookworm", ROOTFS.toString(),
        "http://deb.debian.org/debian").redirectErrorStream(true).redirectOutput(TestImages.TARGET.resolve("debootstrap.log").toFile())
        .start();
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      String log = Files.readString(TestImages.TARGET.resolve("debootstrap.log"));
      // without Debian's mirror there is nothing to test with; anything else is a failure
      boolean offline = log.contains("Couldn't download") || log.contains("Temporary failure resolving")
          || log.contains("Failed getting release file");
      Assumptions.assumeFalse(offline, "Debian's mirror cannot be reached: " + log.lines().reduce((a, b) -> b).orElse(""));
      throw new IllegalStateException("debootstrap failed:\n" + log);
    }
    Files.writeString(done, "ok\n");
    return ROOTFS;
  }

  @Test
  void aDebianImageWithPythonCountsConfidentially() throws Exception {
    Path rootfs = debian();
    Path app = Files.createDirectories(tmp.resolve("app/code"));
    Files.copy(TestImages.COUNTER, app.resolve("counter.py"));
    Path base = tmp.resolve("debian-counter.tar");
    TestImages.dockerArchive(base, List.of(rootfs, tmp.resolve("app")),
        List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"), "/", "");
    TlsIdentity identity = TlsIdentity.create(tmp.resolve("user"), "user");
    try (CasServer server = CasServer.start(CasHome.open(tmp.resolve("cas"), "127.0.0.1"), Database.h2Url(tmp.resolve("cas")),
            new InetSocketAddress("127.0.0.1", 0), Set.of(identity.keyHash()));
         CasClient user = CasClient.connect("test", URI.create(server.url()), server.fingerprint(), identity)) {
      Path keyFile = tmp.resolve("host/host-key");
      user.trustSimHost(HostKey.create(keyFile).keyHash());
      Path image = tmp.resolve("debian-counter-confidential.tar");
      ConversionResult r = new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(base, image,
          tmp.resolve("policy.yaml"), "counter", "python3 /code/counter.py -v /V1/num", List.of("/code"), List.of(),
          List.of(new ConversionRequest.Volume("V1", "/V1")), null, null, "debian-counter", null, TestImages.runtime(), true,
          null, null, null, false));
      user.createSession(Files.readString(r.policy()));
      BwrapEngine.Bundle bundle = BwrapEngine.unpack(image, "localhost/counter:latest", tmp.resolve("unpacked"));
      assertThat(bundle.rootfs().resolve("usr/bin/su")).exists();
      Path v1 = Files.createDirectories(tmp.resolve("v1"));
      for (int i = 0; i < 2; i++) {
        BwrapEngine.Exit exit = BwrapEngine.run(bundle, Map.of(ContainerLaunch.CAS, server.url(), ContainerLaunch.FINGERPRINT,
            server.fingerprint(), ContainerLaunch.HOST_KEY, "/run/confide/host-key"), Map.of("/V1", v1, "/run/confide/host-key", keyFile));
        assertThat(exit.code()).as(exit.output()).isZero();
        assertThat(exit.output()).contains("The number of executions is " + i);
      }
    }
  }
}
