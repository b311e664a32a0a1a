package dev.confide.volume;

/** Receives progress of long operations, in plaintext bytes. Called from one thread at a time. */
public interface Progress {
  Progress NONE = new Progress() {
    @Override
    public void start(String task, long totalBytes) {}

    @Override
    public void advance(long bytes) {}

    @Override
    public void finish() {}
  };

  void start(String task, long totalBytes);

  void advance(long bytes);

  void finish();

  /**
   * Called where the work may stop before it has anything to report (a seal walking its source
   * before the total is known): an implementation that throws here stops it, as it could from
   * {@link #advance}. Does nothing by default.
   */
  default void checkpoint() {}
}
