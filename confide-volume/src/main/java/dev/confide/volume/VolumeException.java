package dev.confide.volume;

import java.util.Objects;

/**
 * A refusal a user can cause: what went wrong ({@link #getMessage()}, naming the file), what to do
 * about it ({@link #hint()}), and which {@link Failure} it is. Never carries key material.
 */
public final class VolumeException extends RuntimeException {
  private final Failure failure;
  private final String hint;

  public VolumeException(Failure failure, String message, String hint) {
    this(failure, message, hint, null);
  }

  public VolumeException(Failure failure, String message, String hint, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure);
    this.hint = Objects.requireNonNull(hint);
  }

  public Failure failure() {
    return failure;
  }

  public String hint() {
    return hint;
  }
}
