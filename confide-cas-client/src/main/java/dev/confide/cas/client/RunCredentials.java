package dev.confide.cas.client;

import dev.confide.cas.common.RunProof;
import java.net.http.HttpRequest;
import java.util.Base64;

/**
 * What an attested run holds to use its run token: the token the CAS sealed to it and the run key
 * bound into its evidence, which signs every use ({@link RunProof}).
 */
public record RunCredentials(String token, RuntimeKey key) {
  public String tokenHash() {
    return RunProof.tokenHash(token);
  }

  /** Adds the token and the run's signature over {@code message} to a request. */
  HttpRequest.Builder authorize(HttpRequest.Builder request, byte[] message) {
    return request.header("Authorization", "Bearer " + token)
        .header(RunProof.HEADER, Base64.getEncoder().encodeToString(key.sign(message)));
  }

  @Override
  public String toString() {
    return "RunCredentials[" + tokenHash().substring(0, 16) + "]";
  }
}
