package dev.confide.remote.ssh;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a remote host is reached: {@code [USER@]HOST[:PORT]}, an IPv6 address in brackets
 * ({@code [::1]:2222}). {@code user} is null when the spec names none (the local user's name is
 * used then, as ssh does).
 */
public record SshAddress(String user, String host, int port) {
  private static final Pattern SPEC = Pattern.compile(
      "(?:([A-Za-z0-9._][A-Za-z0-9._-]{0,63})@)?(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::([0-9]{1,5}))?");

  public SshAddress {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("a port is 1 to 65535, not " + port);
    }
  }

  /** Parses {@code [USER@]HOST[:PORT]}; a malformed spec is an {@link IllegalArgumentException} saying what is expected. */
  public static SshAddress parse(String spec) {
    Matcher m = SPEC.matcher(spec == null ? "" : spec);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + spec + "' is not [USER@]HOST[:PORT]");
    }
    String host = m.group(2).startsWith("[") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2);
    int port = m.group(3) == null ? 22 : Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + spec + "' names port " + port + "; a port is 1 to 65535");
    }
    return new SshAddress(m.group(1), host, port);
  }

  /** As the spec is written: {@code user@host:port}, brackets around an IPv6 host, the port only when not 22. */
  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (user == null ? "" : user + "@") + h + (port == 22 ? "" : ":" + port);
  }
}
