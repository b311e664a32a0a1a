package dev.confide.runtime;

import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.runtime.events.RunApproach;
import dev.confide.runtime.events.RunEvent;
import dev.confide.runtime.events.RunEventCodec;
import dev.confide.runtime.events.RunLaunch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.X509TrustManager;

/**
 * What every run initialises, done by a runtime started ahead of its launch while the client
 * still seals the inputs and makes the session: Jackson, TLS 1.3 with a pinned trust manager and
 * the HTTP client (one real HTTPS exchange with a throwaway server of its own, on loopback),
 * Tink's HPKE and Ed25519, the event codec. In a fresh JVM the first request to the CAS took
 * 150 ms and the set-up most of a second (docs/benchmarks.md). Touches no file, no secret and no
 * other host: the throwaway key, certificate and run key are never used again.
 */
final class WarmUp {
  private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
      + "Connection: close\r\n\r\nok").getBytes(StandardCharsets.US_ASCII);

  /** Rounds of the handshake's crypto: one left the run's own first answers 30-50 ms slower than warm ones. */
  private static final int WARM_ROUNDS = 20;

  private WarmUp() {}

  /** Warms up; a warm-up that fails (no loopback, say) costs the run nothing but its speed. */
  static void run() {
    try {
      handshake();
    } catch (IOException | RuntimeException e) {
      // the run's own connection will do the same work, later
    }
    RuntimeKey.warmUp(WARM_ROUNDS);
    warmCodec();
    sha256();
  }

  /**
   * The event codec's shapes: an event written, an approach and a launch (with a plan) read, as
   * the run will; the first launch read by a cold codec came 20-30 ms after it was sent.
   */
  private static void warmCodec() {
    RunEventCodec codec = new RunEventCodec();
    codec.encode(new RunEvent.PhaseStarted("warm-up"));
    URI cas = URI.create("https://127.0.0.1:1");
    codec.decodeApproach(codec.encode(new RunApproach(cas, "SHA256:warm-up")));
    try {
      codec.decodeLaunch(codec.encode(new RunLaunch(cas, "SHA256:warm-up", "warm-up", "app",
          java.util.Map.of("inputs", java.nio.file.Path.of("/nonexistent")), false, null, null, null, null, null,
          new dev.confide.cas.api.RunPlan("/bin/true", "/usr/bin:/bin", java.util.List.of("/usr/share")))));
    } catch (RunEventCodec.MalformedEventException e) {
      // the run's own launch will say what is wrong
    }
  }

  /**
   * SHA-256 over 16 MiB of zeros: until the JIT compiles the digest's loop to its SHA-NI form, a
   * fresh JVM hashed Blender's 89 MB executable in 250 ms instead of 60.
   */
  private static void sha256() {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocateDirect(1 << 20);
      for (int i = 0; i < 16; i++) {
        zeros.clear();
        md.update(zeros);
      }
      md.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      // every JDK has SHA-256; the run would say so itself
    }
  }

  private static void handshake() throws IOException {
    TlsIdentity self = TlsIdentity.ephemeral("confide-warm-up", "127.0.0.1");
    var tls = TlsIdentity.tls13(self, new NoClients());
    try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread answering = Thread.ofPlatform().daemon().name("confide-warm-up").start(() -> answerOnce(server));
      try (CasClient client = CasClient.connect("warm-up", URI.create("https://127.0.0.1:" + server.getLocalPort()),
          self.fingerprint(), null)) {
        client.health();
      }
      answering.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void answerOnce(SSLServerSocket server) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(5_000);
      InputStream in = s.getInputStream();
      // the request's head ends with an empty line; a GET has no body
      int state = 0;
      for (int b; state < 4 && (b = in.read()) >= 0; ) {
        state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
      }
      OutputStream out = s.getOutputStream();
      out.write(ANSWER);
      out.flush();
    } catch (IOException e) {
      // the client gave up: the warm-up is over either way
    }
  }

  /** The throwaway server asks for no client certificate, and would accept none. */
  private static final class NoClients implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("the warm-up server takes no client certificate");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("the warm-up server trusts no server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
