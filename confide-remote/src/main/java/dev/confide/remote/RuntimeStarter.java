package dev.confide.remote;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * How a host on this machine gets a runtime process: {@link #FRESH} starts one per run; a
 * long-lived process (the user's daemon) keeps one warmed up for the next run ({@link WarmRuntimes}).
 */
public interface RuntimeStarter {
  /** A new process for every run. */
  RuntimeStarter FRESH = RuntimeProcess::start;

  /** A runtime of {@code dist} with {@code arguments}, its notes going to {@code notices}, not launched yet. */
  RuntimeProcess start(RuntimeDistribution dist, List<String> arguments, PrintWriter notices) throws IOException;

  /** The run that {@link #start} served has ended: a good moment to warm up another. */
  default void ended(RuntimeDistribution dist, List<String> arguments) {}
}
