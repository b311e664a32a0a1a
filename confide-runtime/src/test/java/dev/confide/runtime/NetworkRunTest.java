package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.testing.SimSession;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service with {@code network: true} reaches the host's network; without it, it has none. */
class NetworkRunTest {
  @TempDir Path tmp;

  @Test
  void networkIsThereOnlyWhenTheSessionAllowsIt() throws Exception {
    try (RunFixture host = new RunFixture(tmp);
         ServerSocket listening = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      Path code = Files.createDirectories(tmp.resolve("code"));
      Files.writeString(code.resolve("main.py"), """
          import socket
          try:
              socket.create_connection(("127.0.0.1", %d), timeout=5).close()
              print("network: reached")
          except OSError:
              print("network: none")
          """.formatted(listening.getLocalPort()));
      SymmetricKey key = SymmetricKey.generate();
      SealResult sealed = new VolumeSealer().seal(code, tmp.resolve("code-volume"), key, Progress.NONE);
      String measurement = host.python("/usr/bin:/bin");
      for (boolean network : List.of(true, false)) {
        host.cas.user.createSession(SimSession.named("net-" + network).measurement(measurement).network(network)
            .sealedVolume("code", HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex(), "/code", true).yaml());
        RunFixture.Outcome o = host.run(RunFixture.request("net-" + network, "app", Map.of("code", tmp.resolve("code-volume"))));
        assertThat(o.report().exitCode()).as(o.output()).isZero();
        assertThat(o.output()).contains(network ? "network: reached" : "network: none");
      }
    }
  }
}
