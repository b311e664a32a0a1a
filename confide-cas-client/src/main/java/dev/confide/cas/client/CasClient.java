package dev.confide.cas.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.confide.cas.api.ApiError;
import dev.confide.cas.api.AttestNonce;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.api.AttestResponse;
import dev.confide.cas.api.AuditLog;
import dev.confide.cas.api.SessionReceipt;
import dev.confide.cas.api.SessionView;
import dev.confide.cas.api.TagSwap;
import dev.confide.cas.api.VolumeKey;
import dev.confide.cas.api.VolumeState;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.RunProof;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.volume.SymmetricKey;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;

/**
 * A connection to one pinned CAS, as one identity. Every refusal arrives as a {@link CasException}
 * carrying the CAS's {@code {error, message, hint}}; transport problems (unreachable, changed key)
 * use status 0.
 */
public final class CasClient implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).addModule(dev.confide.cas.api.WireTypes.module()).build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String name;
  private final String pinned;
  private final HttpClient http;
  private final PinnedTrustManager trust;

  private CasClient(URI base, String name, String pinned, PinnedTrustManager trust, HttpClient http) {
    this.base = base;
    this.name = name;
    this.pinned = pinned;
    this.trust = trust;
    this.http = http;
  }

  /** A client for the CAS at {@code base} whose key must have {@code fingerprint}; {@code identity} may be null. */
  public static CasClient connect(String name, URI base, String fingerprint, TlsIdentity identity) {
    PinnedTrustManager trust = new PinnedTrustManager(fingerprint);
    return new CasClient(base, name, fingerprint, trust, httpClient(trust, identity));
  }

  /**
   * The TLS context this client uses for a CAS pinned at {@code fingerprint}, presenting
   * {@code identity}: for callers that speak HTTP over their own sockets (the load benchmark).
   */
  public static javax.net.ssl.SSLContext pinnedTls(String fingerprint, TlsIdentity identity) {
    return TlsIdentity.tls13(identity, new PinnedTrustManager(fingerprint));
  }

  /** Connects without trusting anything and returns the fingerprint the server presents. */
  public static String presentedFingerprint(URI base) {
    PinnedTrustManager recorder = new PinnedTrustManager(null);
    try (HttpClient http = httpClient(recorder, null)) {
      http.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      if (recorder.presented() != null) {
        return recorder.presented();
      }
      throw unreachable(base, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CasException(0, "interrupted", "interrupted while contacting " + base, "retry");
    }
    throw new IllegalStateException("a recorder never trusts a server");
  }

  private static HttpClient httpClient(TrustManager trust, TlsIdentity identity) {
    return HttpClient.newBuilder()
        .sslContext(TlsIdentity.tls13(identity, trust))
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** The CAS's public key (it matched the pin), known after the first request; signs the audit log. */
  public java.security.PublicKey serverKey() {
    if (trust.presentedKey() == null) {
      health();
    }
    return trust.presentedKey();
  }

  public String health() {
    return send(HttpRequest.newBuilder(uri("/health")).GET(), String.class);
  }

  /** {@code /health/ready}: the body when the CAS's database answers; a 503 {@code database_unavailable} refusal when not. */
  public String ready() {
    return send(HttpRequest.newBuilder(uri("/health/ready")).GET(), String.class);
  }

  public String metrics() {
    return send(HttpRequest.newBuilder(uri("/metrics")).GET(), String.class);
  }

  // Sessions travel with "Expect: 100-continue", so a CAS refusing one (too large, say) answers
  // before the body is sent instead of cutting the connection under it.
  public SessionReceipt createSession(String text) {
    return send(HttpRequest.newBuilder(uri("/v1/sessions")).header("Content-Type", "application/yaml").expectContinue(true)
        .POST(HttpRequest.BodyPublishers.ofString(text)), SessionReceipt.class);
  }

  public SessionReceipt updateSession(String session, String text) {
    return send(HttpRequest.newBuilder(uri("/v1/session?name=" + q(session))).header("Content-Type", "application/yaml")
        .expectContinue(true)
        .PUT(HttpRequest.BodyPublishers.ofString(text)), SessionReceipt.class);
  }

  /** The public parts of {@code session}'s export_public secrets; asks without a client certificate as well. */
  public dev.confide.cas.api.PublicValues publicValues(String session) {
    return send(HttpRequest.newBuilder(uri("/v1/values?session=" + q(session))).GET(), dev.confide.cas.api.PublicValues.class);
  }

  public SessionView session(String session) {
    return send(HttpRequest.newBuilder(uri("/v1/session?name=" + q(session))).GET(), SessionView.class);
  }

  public VolumeState volume(String session, String volume) {
    return send(HttpRequest.newBuilder(uri("/v1/volume?session=" + q(session) + "&volume=" + q(volume))).GET(), VolumeState.class);
  }

  /** The key of one of {@code session}'s own volumes, if this client's principal may update the session. */
  public SymmetricKey volumeKey(String session, String volume) {
    return send(HttpRequest.newBuilder(uri("/v1/volume/key?session=" + q(session) + "&volume=" + q(volume))).GET(),
        VolumeKey.class).key();
  }

  public VolumeState swap(String session, String volume, TagSwap swap) {
    return send(HttpRequest.newBuilder(uri("/v1/volume/swap?session=" + q(session) + "&volume=" + q(volume)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json(swap))), VolumeState.class);
  }

  /** A swap by an attested run, authorised by its run token and its signature instead of a client certificate. */
  public VolumeState swap(RunCredentials run, String session, String volume, TagSwap swap) {
    return send(run.authorize(HttpRequest.newBuilder(uri("/v1/volume/swap?session=" + q(session) + "&volume=" + q(volume))),
            RunProof.swap(run.tokenHash(), session, volume, swap.oldTag(), swap.newTag()))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json(swap))), VolumeState.class);
  }

  /** Keeps the run's token alive for another lifetime. */
  public void renewRun(RunCredentials run) {
    send(run.authorize(HttpRequest.newBuilder(uri("/v1/run/renew")), RunProof.message("renew", run.tokenHash()))
        .POST(HttpRequest.BodyPublishers.noBody()), String.class);
  }

  /** Ends the run's token: nothing can be moved with it any more. */
  public void endRun(RunCredentials run) {
    send(run.authorize(HttpRequest.newBuilder(uri("/v1/run/end")), RunProof.message("end", run.tokenHash()))
        .POST(HttpRequest.BodyPublishers.noBody()), String.class);
  }

  public AttestNonce nonce() {
    return send(HttpRequest.newBuilder(uri("/v1/attest/nonce")).POST(HttpRequest.BodyPublishers.noBody()), AttestNonce.class);
  }

  /** What to measure for the request's service, sealed to its runtime key ({@link RuntimeKey#openPlan}). */
  public AttestResponse plan(AttestRequest request) {
    return send(HttpRequest.newBuilder(uri("/v1/attest/plan")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json(request))), AttestResponse.class);
  }

  public AttestResponse attest(AttestRequest request) {
    return send(HttpRequest.newBuilder(uri("/v1/attest")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json(request))), AttestResponse.class);
  }

  /** Vouches for a host's simulated evidence (for the sessions this identity creates). */
  public dev.confide.cas.api.SimHost trustSimHost(String keyHash) {
    return send(HttpRequest.newBuilder(uri("/v1/hosts")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json(new dev.confide.cas.api.SimHost(keyHash, null, null)))),
        dev.confide.cas.api.SimHost.class);
  }

  public AuditLog audit(long after, int limit) {
    return send(HttpRequest.newBuilder(uri("/v1/audit?after=" + after + "&limit=" + limit)).GET(), AuditLog.class);
  }

  private URI uri(String pathAndQuery) {
    return base.resolve(pathAndQuery);
  }

  private static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a request always serialises", e);
    }
  }

  private <T> T send(HttpRequest.Builder builder, Class<T> type) {
    HttpResponse<String> response;
    try {
      response = http.send(builder.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      PinnedTrustManager.PinMismatch mismatch = mismatch(e);
      if (mismatch != null) {
        throw new CasException(0, "fingerprint_mismatch", "the CAS " + name + " at " + base + " presented key "
            + mismatch.presented + ", but " + pinned + " is pinned: the CAS was re-keyed, or someone is in between",
            "if its operator confirms the new key, run 'confide cas add " + name + " " + base + " --fingerprint "
                + mismatch.presented + "'; otherwise do not connect");
      }
      throw unreachable(base, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CasException(0, "interrupted", "interrupted while talking to " + base, "retry");
    }
    if (response.statusCode() >= 400) {
      ApiError error;
      try {
        error = JSON.readValue(response.body(), ApiError.class);
      } catch (JsonProcessingException e) {
        error = new ApiError("http_" + response.statusCode(), "the CAS answered " + response.statusCode(), "see the CAS log");
      }
      throw new CasException(response.statusCode(), error.error(), error.message(), error.hint(), error.problems());
    }
    if (type == String.class) {
      return type.cast(response.body());
    }
    try {
      return JSON.readValue(response.body(), type);
    } catch (JsonProcessingException e) {
      throw new CasException(0, "bad_answer", "the CAS at " + base + " sent an answer this client does not understand",
          "update confide or the CAS so that both speak the same API version");
    }
  }

  private static PinnedTrustManager.PinMismatch mismatch(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PinnedTrustManager.PinMismatch m) {
        return m;
      }
    }
    return null;
  }

  private static CasException unreachable(URI base, IOException e) {
    String why = e instanceof HttpConnectTimeoutException ? "the connection timed out"
        : e instanceof HttpTimeoutException ? "it did not answer in time"
        : e instanceof ConnectException ? "connection refused"
        : e instanceof SSLHandshakeException ? "the TLS handshake failed (" + e.getMessage() + ")"
        : String.valueOf(e.getMessage());
    return new CasException(0, "unreachable", "cannot reach the CAS at " + base + ": " + why,
        "start it with 'confide cas start' or check the address");
  }

  @Override
  public void close() {
    http.close();
  }
}
