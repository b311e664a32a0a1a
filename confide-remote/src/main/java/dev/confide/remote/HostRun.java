package dev.confide.remote;

import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One run's place on a host: its private directory, the volumes put there and got back, and the
 * runtime started on them. {@link #close()} removes the directory, whatever happened.
 */
public interface HostRun extends AutoCloseable {
  /**
   * Writes volume {@code name} into the run's directory: {@code writer} is given a local directory
   * to write it to (phase "seal NAME" of {@code clock}; a remote host's sending it is "upload NAME").
   */
  void put(String name, PhaseClock clock, VolumeWriter writer) throws IOException;

  /**
   * Hands the ciphertext of volume {@code name}, as the runtime left it, to {@code reader} as a
   * local directory (phase "unseal"; a remote host's fetching it first is "download NAME").
   */
  <T> T get(String name, PhaseClock clock, VolumeReading<T> reader) throws IOException;

  /**
   * Starts the runtime on the volumes put here, tells {@code listener} as its phases start and end,
   * and returns its report once it ends; a failure of the run is thrown as the exception the
   * runtime described (an {@code AttestationException}, a {@code CasException}, ...).
   */
  RunReport run(RuntimeLaunch launch, PhaseClock.Listener listener) throws Exception;

  /**
   * Where this run's directory is, for a user who comes back for its outputs ({@code host:path});
   * empty for a host whose run directories do not outlive the run (the local one).
   */
  default java.util.Optional<String> location() {
    return java.util.Optional.empty();
  }

  /** Leaves the run's directory in place when closed: its committed outputs are still to be fetched. */
  default void keep() {}

  /**
   * Tells the host's runtime which CAS its run will use, ahead of the launch (while the client
   * makes the session), where the runtime can use it (this machine's runtime; a remote one reaches
   * the CAS through a forward made at launch). Nothing it says is secret; a failure costs only speed.
   */
  default void approach(java.net.URI cas, String fingerprint) {}

  /** Stops a {@link #run} under way from another thread: nothing is committed, the host's staging area is wiped. */
  void cancel();

  @Override
  void close();

  /** Writes a volume into a directory. */
  @FunctionalInterface
  interface VolumeWriter {
    void write(Path dir) throws IOException;
  }

  /** Reads a volume from a directory. */
  @FunctionalInterface
  interface VolumeReading<T> {
    T read(Path dir) throws IOException;
  }
}
