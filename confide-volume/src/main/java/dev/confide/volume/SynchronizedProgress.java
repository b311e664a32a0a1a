package dev.confide.volume;

/** Lets worker threads report to a {@link Progress} that expects one caller at a time. */
final class SynchronizedProgress implements Progress {
  private final Progress target;

  SynchronizedProgress(Progress target) {
    this.target = target;
  }

  @Override
  public synchronized void start(String task, long totalBytes) {
    target.start(task, totalBytes);
  }

  @Override
  public synchronized void advance(long bytes) {
    target.advance(bytes);
  }

  @Override
  public synchronized void finish() {
    target.finish();
  }
}
