package dev.confide.cas.api;

/**
 * What whoever starts a run gives for the session's guards: the current code of its authenticator
 * ({@code one_time_password_shared_secret}) and its {@code service_access_token}; each null when
 * not given. Both are secrets: never printed.
 */
public record StartCredentials(String oneTimePassword, String accessToken) {
  public static final StartCredentials NONE = new StartCredentials(null, null);

  @Override
  public String toString() {
    return "StartCredentials[oneTimePassword=" + (oneTimePassword == null ? "none" : "given") + ", accessToken="
        + (accessToken == null ? "none" : "given") + "]";
  }
}
