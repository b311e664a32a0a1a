package dev.confide.volume;

import java.util.ArrayList;
import java.util.List;

/**
 * Lets worker threads report to a {@link Progress} that expects one caller at a time, and lets
 * them begin before the total is known: a seal starts sealing objects while it still walks the
 * source, and its progress starts when the walk has counted the bytes. Advances made before then
 * are passed on, in order and one by one, at the start (the first {@value #KEPT} of them; later
 * ones are added to the last).
 */
final class LateStartProgress implements Progress {
  private static final int KEPT = 4096;
  private final Progress target;
  private final List<Long> early = new ArrayList<>();
  private boolean started;

  LateStartProgress(Progress target) {
    this.target = target;
  }

  @Override
  public synchronized void start(String task, long totalBytes) {
    target.start(task, totalBytes);
    started = true;
    for (long bytes : early) {
      target.advance(bytes);
    }
    early.clear();
  }

  /** Before the start, a checkpoint of the target (which may stop the work) and a note for later. */
  @Override
  public synchronized void advance(long bytes) {
    if (started) {
      target.advance(bytes);
      return;
    }
    target.checkpoint();
    if (early.size() < KEPT) {
      early.add(bytes);
    } else {
      early.set(KEPT - 1, early.get(KEPT - 1) + bytes);
    }
  }

  @Override
  public synchronized void checkpoint() {
    target.checkpoint();
  }

  /** Passed on only after a start: a walk refused before its end started nothing. */
  @Override
  public synchronized void finish() {
    if (started) {
      target.finish();
    }
  }
}
