package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurer;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.VolumeSealer;
import java.io.PrintWriter;
import java.io.StringWriter;
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
    try (LocalCas cas = new LocalCas(tmp);
         ServerSocket listening = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      HostKey hostKey = HostKey.create(tmp.resolve("host/host-key"));
      Measurer measurer = new Measurer(Measurer.runtimeDigest(System.getProperty("java.class.path")));
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
      String measurement = measurer.measure(List.of("python3"), "/usr/bin:/bin").value();
      for (boolean network : List.of(true, false)) {
        cas.user.createSession("""
            name: net-%s
            services:
              - name: app
                image_name: img
                command: python3 /code/main.py
                environment: {PATH: /usr/bin:/bin}
                network: %s
                stream_output: true
                attestation: [{mrenclave: [%s]}]
            volumes: [{name: code, key: %s, tag: %s}]
            images: [{name: img, volumes: [{name: code, path: /code, read_only: true}]}]
            security: {attestation: {tolerate: [simulation]}}
            """.formatted(network, network, measurement, HexFormat.of().formatHex(key.copyBytes()), sealed.tag().hex()));
        StringWriter out = new StringWriter();
        RunReport report = new ConfidentialRun(cas.runtime, measurer, hostKey, Bubblewrap.find(), new PrintWriter(out, true))
            .run(new RunRequest("net-" + network, "app", Map.of("code", tmp.resolve("code-volume")), true, null), new PhaseClock());
        assertThat(report.exitCode()).as(out.toString()).isZero();
        assertThat(out.toString()).contains(network ? "network: reached" : "network: none");
      }
    }
  }
}
