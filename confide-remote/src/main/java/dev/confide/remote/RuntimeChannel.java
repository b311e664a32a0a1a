package dev.confide.remote;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The three streams of a started runtime and its life: a local process ({@link ProcessChannel}),
 * or an SSH exec channel to a remote one. Closing {@link #stdin()} tells the runtime the client is
 * done with it (it cancels a run under way).
 */
public interface RuntimeChannel {
  OutputStream stdin();

  InputStream stdout();

  InputStream stderr();

  boolean alive();

  /** Waits up to {@code seconds} for the runtime to end; true when it has. */
  boolean waitFor(long seconds) throws InterruptedException;

  /** Waits for the runtime to end, however long that is. */
  void waitFor() throws InterruptedException;

  /** Ends the runtime at once (its staging area is then swept by a later run). */
  void kill();

  /** Its exit status once ended, or -1 where none was reported. */
  int exitValue();

  /** A local process as a runtime channel. */
  record ProcessChannel(Process process) implements RuntimeChannel {
    @Override
    public OutputStream stdin() {
      return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
      return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
      return process.getErrorStream();
    }

    @Override
    public boolean alive() {
      return process.isAlive();
    }

    @Override
    public boolean waitFor(long seconds) throws InterruptedException {
      return process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void waitFor() throws InterruptedException {
      process.waitFor();
    }

    @Override
    public void kill() {
      process.destroyForcibly();
    }

    @Override
    public int exitValue() {
      return process.isAlive() ? -1 : process.exitValue();
    }
  }
}
