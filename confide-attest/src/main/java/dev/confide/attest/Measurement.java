package dev.confide.attest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * What runs, as one value a policy author puts into {@code mrenclave}: SHA-256 over the label
 * {@code confide measurement v1}, a zero byte, the runtime digest, a zero byte, and the SHA-256 of
 * the executable the command resolves to (both as hex). A replaced {@code python3} or a changed
 * runtime gives another value.
 */
public record Measurement(String value, String runtimeDigest, Path executable, String executableDigest) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public Measurement {
    if (!HEX64.matcher(value).matches() || !HEX64.matcher(runtimeDigest).matches()
        || !HEX64.matcher(executableDigest).matches()) {
      throw new IllegalArgumentException("measurements and digests are 64 lower-case hex digits");
    }
  }

  public static Measurement of(String runtimeDigest, Path executable, String executableDigest) {
    MessageDigest md = Hashes.sha256();
    md.update("confide measurement v1\0".getBytes(StandardCharsets.US_ASCII));
    md.update(runtimeDigest.getBytes(StandardCharsets.US_ASCII));
    md.update((byte) 0);
    md.update(executableDigest.getBytes(StandardCharsets.US_ASCII));
    return new Measurement(Hashes.hex(md.digest()), runtimeDigest, executable, executableDigest);
  }
}
