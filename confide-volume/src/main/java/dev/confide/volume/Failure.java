package dev.confide.volume;

/** The closed set of reasons a volume operation refuses; the CLI maps each to one exit code. */
public enum Failure {
  /** A malformed argument, key file, tag or format field. */
  BAD_DATA,
  /** A source, volume or file that does not exist or cannot be read. */
  MISSING_INPUT,
  /** A destination that already holds something. */
  CANNOT_CREATE,
  /** The operating system refused a read or write (disk full, I/O error). */
  IO,
  /** A key file with loose permissions, or a key that does not belong to the volume. */
  DENIED,
  /** Another process holds the volume's lock. */
  BUSY,
  /** Ciphertext, manifest or tree content was modified, swapped, truncated, deleted or rolled back. */
  INTEGRITY
}
