package dev.confide.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One keep-alive HTTP/1.1 connection over TLS on a blocking socket, for the load generator only:
 * the JDK's HttpClient spends about 0.4 ms of CPU per request on its asynchronous machinery, and
 * on a two-core machine shared with the CAS that CPU is taken from the server being measured.
 * It understands exactly what the CAS sends (a status line, headers, a Content-Length body).
 */
final class LoadConnection implements AutoCloseable {
  private final SSLSocket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;
  private byte[] body = new byte[4096];
  private int bodyLength;

  LoadConnection(SSLContext tls, URI base) throws IOException {
    socket = (SSLSocket) tls.getSocketFactory().createSocket(base.getHost(), base.getPort());
    socket.setTcpNoDelay(true);
    socket.startHandshake();
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    host = base.getHost() + ":" + base.getPort();
  }

  /** Sends one request and reads the whole answer; returns its status, the body stays in {@link #body()}. */
  int send(String method, String pathAndQuery, String json) throws IOException {
    byte[] payload = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(160).append(method).append(' ').append(pathAndQuery)
        .append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    if (json != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
    }
    byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + payload.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(payload, 0, request, headBytes.length, payload.length);
    out.write(request);
    out.flush();
    return readAnswer();
  }

  String body() {
    return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
  }

  private int readAnswer() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 answer: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    int length = -1;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("Content-Length")) {
        length = Integer.parseInt(header.substring(colon + 1).trim());
      } else if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("Transfer-Encoding")) {
        throw new IOException("the CAS answered with " + header + "; this load client reads Content-Length bodies only");
      }
    }
    if (length < 0) {
      throw new IOException("the answer names no Content-Length");
    }
    if (body.length < length) {
      body = new byte[Math.max(length, body.length * 2)];
    }
    int read = in.readNBytes(body, 0, length);
    if (read != length) {
      throw new IOException("the connection closed inside an answer");
    }
    bodyLength = length;
    return code;
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the connection closed inside an answer");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
