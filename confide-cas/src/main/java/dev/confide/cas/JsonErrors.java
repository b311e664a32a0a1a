package dev.confide.cas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cas.api.ApiError;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers itself (headers too large, a malformed request) in the CAS's own form,
 * {@code {error, message, hint}}, instead of an HTML page.
 */
final class JsonErrors extends ErrorHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
    ApiError error = switch (status) {
      case 431 -> new ApiError("too_large", "the request's headers exceed 16 KiB", "send smaller headers");
      case 413 -> new ApiError("too_large", "the request is too large", "send a smaller request");
      case 400 -> new ApiError("bad_request", "the request is not valid HTTP", "send HTTP/1.1 as the confide client does");
      default -> new ApiError("http_" + status, "the CAS refused the request (HTTP " + status + ")", "see docs/cas-api.md");
    };
    String body;
    try {
      body = JSON.writeValueAsString(error);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an error always serialises", e);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, body, callback);
    return true;
  }
}
