package dev.confide.cas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.confide.cas.api.ApiError;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.api.TagSwap;
import dev.confide.cas.api.VolumeKey;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.KeyDigests;
import dev.confide.cas.common.RunProof;
import dev.confide.volume.SymmetricKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP face of {@link CasService}: routing, size limits, principals from client certificates, JSON. */
final class CasHttpHandler extends Handler.Abstract {
  /** Sessions are small; anything larger is a mistake or an attack. */
  static final int MAX_BODY = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(CasHttpHandler.class);
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).addModule(dev.confide.cas.api.WireTypes.module()).build();

  private final CasService service;
  private final CasAttestation attestation;

  CasHttpHandler(CasService service, CasAttestation attestation) {
    this.service = service;
    this.attestation = attestation;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    String route = method + " " + path;
    int status;
    String contentType = "application/json";
    String body;
    try {
      Reply reply = route(request, method, path);
      status = reply.status();
      body = reply.text() != null ? reply.text() : JSON.writeValueAsString(reply.value());
      if (reply.text() != null) {
        contentType = "text/plain; version=0.0.4; charset=utf-8";
      }
      if (reply.known()) {
        route = reply.route();
      } else {
        route = "unknown";
      }
    } catch (CasException e) {
      status = e.status();
      body = write(e.body());
      route = "refused";
    } catch (RuntimeException | IOException e) {
      LOG.error("request {} {} failed", method, path, e);
      status = 500;
      body = write(new ApiError("internal", "the CAS failed to answer: " + e.getClass().getSimpleName(),
          "see the CAS log; retry later"));
      route = "failed";
    }
    service.metrics().request(route, status, System.nanoTime() - start);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, body, callback);
    return true;
  }

  private record Reply(int status, Object value, String text, String route, boolean known) {
    static Reply json(int status, Object value, String route) {
      return new Reply(status, value, null, route, true);
    }
  }

  private Reply route(Request request, String method, String path) throws IOException {
    Fields query = Request.extractQueryParameters(request);
    switch (path) {
      case "/health" -> {
        requireMethod(method, "GET");
        // the primary master key's id (public: every ciphertext names its key), so that an operator
        // rotating it can see that every replica behind an address runs with the new key file
        return Reply.json(200, java.util.Map.of("status", "ok", "master_key", String.format("%08x", service.masterKey().primaryId())),
            "health");
      }
      case "/health/ready" -> {
        requireMethod(method, "GET");
        DatabaseProbe.Result r = service.readiness();
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("status", r.reachable() ? "ready" : "not_ready");
        body.put("database", r.reachable() ? "reachable" : "unreachable");
        body.put("database_ms", r.millis());
        if (!r.reachable()) {
          // the error's fields too, so that clients tell it as any refusal
          body.put("error", "database_unavailable");
          body.put("message", r.problem());
          body.put("hint", "the CAS reconnects by itself once its database answers; check the database server");
        }
        return Reply.json(r.reachable() ? 200 : 503, body, "health.ready");
      }
      case "/metrics" -> {
        requireMethod(method, "GET");
        return new Reply(200, null, service.metricsFor(principal(request)), "metrics", true);
      }
      case "/v1/sessions" -> {
        requireMethod(method, "POST");
        return Reply.json(201, service.create(principal(request), body(request)), "session.create");
      }
      case "/v1/session" -> {
        String name = param(query, "name");
        if (method.equals("GET")) {
          return Reply.json(200, service.read(principal(request), name), "session.read");
        }
        requireMethod(method, "PUT");
        return Reply.json(200, service.update(principal(request), name, body(request)), "session.update");
      }
      case "/v1/values" -> {
        requireMethod(method, "GET");
        // public by the session's choice (export_public): no identity needed
        return Reply.json(200, service.publicValues(param(query, "session")), "values.read");
      }
      case "/v1/volume" -> {
        requireMethod(method, "GET");
        return Reply.json(200, service.volume(principal(request), param(query, "session"), param(query, "volume")), "volume.read");
      }
      case "/v1/volume/key" -> {
        requireMethod(method, "GET");
        String session = param(query, "session");
        String volume = param(query, "volume");
        byte[] key = service.exportVolumeKey(principal(request), session, volume);
        try {
          return Reply.json(200, new VolumeKey(session, volume, SymmetricKey.of(key)), "volume.key");
        } finally {
          java.util.Arrays.fill(key, (byte) 0);
        }
      }
      case "/v1/volume/swap" -> {
        requireMethod(method, "POST");
        TagSwap swap = json(request, TagSwap.class, "a tag swap", "send {\"old_tag\": ..., \"new_tag\": ...}");
        return Reply.json(200, service.swap(caller(request), param(query, "session"), param(query, "volume"), swap), "volume.swap");
      }
      case "/v1/attest/nonce" -> {
        requireMethod(method, "POST");
        // the same answer whatever is asked: it names nothing of any session
        return Reply.json(200, attestation.nonce(Request.getRemoteAddr(request)), "attest.nonce");
      }
      case "/v1/attest/plan" -> {
        requireMethod(method, "POST");
        AttestRequest plan = json(request, AttestRequest.class, "a plan request", "send what the runtime produces");
        return Reply.json(200, attestation.plan(plan), "attest.plan");
      }
      case "/v1/attest" -> {
        requireMethod(method, "POST");
        AttestRequest attest = json(request, AttestRequest.class, "an attestation request", "send what the runtime produces");
        return Reply.json(200, attestation.attest(attest), "attest");
      }
      case "/v1/hosts" -> {
        if (method.equals("GET")) {
          return Reply.json(200, java.util.Map.of("hosts", service.simHosts(principal(request))), "hosts.read");
        }
        requireMethod(method, "POST");
        dev.confide.cas.api.SimHost host = json(request, dev.confide.cas.api.SimHost.class, "a host",
            "send {\"key_hash\": 64 hex digits}");
        return Reply.json(200, service.trustSimHost(principal(request), host.keyHash()), "hosts.trust");
      }
      case "/v1/run/renew" -> {
        requireMethod(method, "POST");
        service.renewRun(requireRunToken(request));
        return Reply.json(200, java.util.Map.of("renewed", true), "run.renew");
      }
      case "/v1/run/end" -> {
        requireMethod(method, "POST");
        service.endRun(requireRunToken(request));
        return Reply.json(200, java.util.Map.of("ended", true), "run.end");
      }
      case "/v1/audit" -> {
        requireMethod(method, "GET");
        long after = number(query, "after", 0);
        int limit = (int) number(query, "limit", 1000);
        return Reply.json(200, service.audit(principal(request), after, limit), "audit.read");
      }
      default -> throw CasException.notFound("no such API path: " + path, "see docs/cas-api.md");
    }
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new CasException(405, "method_not_allowed", method + " is not allowed here", "use " + allowed);
    }
  }

  private static String param(Fields query, String name) {
    String value = query.getValue(name);
    if (value == null || value.isEmpty()) {
      throw CasException.badRequest("query parameter '" + name + "' is missing", "add ?" + name + "=...");
    }
    return value;
  }

  private static long number(Fields query, String name, long otherwise) {
    String value = query.getValue(name);
    if (value == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw CasException.badRequest("query parameter '" + name + "' must be a number", "fix it");
    }
  }

  /** A run token (Authorization: Bearer, with its proof) if one is sent, else the client certificate's principal. */
  static Caller caller(Request request) {
    Caller.RunToken run = runToken(request);
    return run != null ? run : new Caller.Principal(principal(request));
  }

  /** The run token and its proof ({@link RunProof#HEADER}), or null when no token was sent. */
  static Caller.RunToken runToken(Request request) {
    String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (auth == null || !auth.startsWith("Bearer ")) {
      return null;
    }
    String proof = request.getHeaders().get(RunProof.HEADER);
    try {
      return new Caller.RunToken(auth.substring("Bearer ".length()).strip(),
          proof == null ? null : java.util.Base64.getDecoder().decode(proof.strip()));
    } catch (IllegalArgumentException e) {
      throw new CasException(401, "bad_run_proof", "the " + RunProof.HEADER + " header is not base64", "send the run's signature");
    }
  }

  private static Caller.RunToken requireRunToken(Request request) {
    Caller.RunToken run = runToken(request);
    if (run == null) {
      throw new CasException(401, "bad_run_token", "this request needs a run token (Authorization: Bearer)",
          "only an attested run renews or ends its token");
    }
    return run;
  }

  static String principal(Request request) {
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData tls) {
      X509Certificate[] chain = tls.peerCertificates();
      if (chain != null && chain.length > 0) {
        return KeyDigests.keyHash(chain[0].getPublicKey());
      }
    }
    throw new CasException(401, "no_identity", "this request needs a client certificate",
        "create one with 'confide identity create'");
  }

  private static <T> T json(Request request, Class<T> type, String what, String hint) throws IOException {
    try {
      return JSON.readValue(body(request), type);
    } catch (JsonProcessingException e) {
      throw CasException.badRequest("the body is not " + what + ": " + e.getOriginalMessage(), hint);
    }
  }

  private static String body(Request request) throws IOException {
    long declared = request.getLength();
    if (declared > MAX_BODY) {
      throw new CasException(413, "too_large", "the request body has " + declared + " bytes; the limit is " + MAX_BODY,
          "send a smaller session");
    }
    try (InputStream in = Request.asInputStream(request)) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new CasException(413, "too_large", "the request body exceeds " + MAX_BODY + " bytes", "send a smaller session");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static String write(ApiError error) {
    try {
      return JSON.writeValueAsString(error);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an error always serialises", e);
    }
  }
}
