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
}
