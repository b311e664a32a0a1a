package dev.confide.volume;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns operating-system I/O errors into refusals with a hint. */
final class Io {
  private Io() {}

  static VolumeException failure(String what, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new VolumeException(Failure.MISSING_INPUT, what + ": " + e.getMessage() + " does not exist",
          "check the path", e);
    }
    if (e instanceof AccessDeniedException) {
      return new VolumeException(Failure.MISSING_INPUT, what + ": permission denied on " + e.getMessage(),
          "check the file's owner and permissions", e);
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String hint = reason.contains("No space left") ? "free some space on that filesystem and retry"
        : "check the filesystem and retry";
    return new VolumeException(Failure.IO, what + ": " + reason, hint, e);
  }
}
