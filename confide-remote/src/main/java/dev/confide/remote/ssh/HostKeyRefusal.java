package dev.confide.remote.ssh;

/**
 * Why a host key was refused, in words OpenSSH would use, with what to do. {@link Kind#CHANGED}
 * and {@link Kind#REVOKED} are integrity failures (exit 80); {@link Kind#UNKNOWN} waits for the
 * user's confirmation (exit 77).
 */
public record HostKeyRefusal(Kind kind, String message, String hint) {
  public enum Kind { UNKNOWN, CHANGED, REVOKED }
}
