package dev.confide.cli.run;

import dev.confide.cli.CliFailure;
import dev.confide.cli.ExitCodes;
import java.util.Locale;

/** A memory size as users write it: bytes, or a number with K, M, G or T (powers of 1024), as {@code 512M} or {@code 4G}. */
final class MemorySize {
  /** The least a program may be given: below it nothing starts (a shell, bubblewrap, an interpreter). */
  static final long LEAST = 16L << 20;

  private MemorySize() {}

  /** The bytes {@code text} names; {@code from} says where it came from, for the refusal. */
  static long parse(String text, String from) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("B")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'K' -> unit = 1L << 10;
        case 'M' -> unit = 1L << 20;
        case 'G' -> unit = 1L << 30;
        case 'T' -> unit = 1L << 40;
        default -> unit = 1;
      }
    }
    String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
    try {
      long n = Long.parseLong(digits);
      if (n <= 0 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      long bytes = n * unit;
      if (bytes < LEAST) {
        throw new CliFailure(ExitCodes.USAGE, "memory_too_small", from + " " + text + " is less than the 16M a program needs"
            + " to start", "give at least 16M");
      }
      return bytes;
    } catch (NumberFormatException e) {
      throw new CliFailure(ExitCodes.USAGE, "bad_memory", from + " " + text + " is not a memory size",
          "write it like 512M or 4G");
    }
  }

  /** {@code bytes} for people, in MiB. */
  static String mib(long bytes) {
    return (bytes + (1 << 19)) / (1 << 20) + " MiB";
  }
}
