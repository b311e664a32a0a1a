package dev.confide.runtime;

import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RunCredentials;
import dev.confide.cas.common.CasException;
import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a run's token alive while the run lives (the CAS gives it a short lifetime, so a token
 * outliving its run dies soon), and ends it at the CAS when the run ends, however it ends: a
 * committed run's token is ended by its last swap already; a cancelled or failed one's here.
 */
final class TokenRenewal implements AutoCloseable {
  /** Well inside the CAS's 15-minute lifetime, so one missed renewal is not fatal. */
  static final long EVERY_SECONDS = 4 * 60;

  private final CasClient cas;
  private final RunCredentials run;
  private final PrintWriter notices;
  private final ScheduledExecutorService timer;
  /** Set once every writable volume of the run has moved: the CAS ended the token with the last swap. */
  private volatile boolean endedByLastSwap;

  TokenRenewal(CasClient cas, RunCredentials run, PrintWriter notices) {
    this.cas = cas;
    this.run = run;
    this.notices = notices;
    this.timer = Executors.newSingleThreadScheduledExecutor(task -> Thread.ofPlatform().daemon().name("confide-token-renewal").unstarted(task));
    timer.scheduleWithFixedDelay(this::renew, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
  }

  private void renew() {
    try {
      cas.renewRun(run);
    } catch (CasException e) {
      notices.println("note: could not renew the run's token at the CAS (" + e.getMessage() + "); will retry");
      notices.flush();
    }
  }

  /**
   * Says that every writable volume of the run has moved: the CAS ended the token with the last
   * of those swaps, and {@link #close} need not ask it again (a round trip at the end of every run).
   */
  void endedByLastSwap() {
    endedByLastSwap = true;
  }

  /** Stops renewing and ends the token, unless its last swap ended it; a token already ended is fine. */
  @Override
  public void close() {
    timer.shutdownNow();
    if (endedByLastSwap) {
      return;
    }
    try {
      cas.endRun(run);
    } catch (CasException e) {
      // ended already by the run's last swap, or the CAS is unreachable: it expires on its own
    }
  }
}
