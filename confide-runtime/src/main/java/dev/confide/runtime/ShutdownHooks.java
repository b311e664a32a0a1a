package dev.confide.runtime;

/**
 * Where a run registers what must happen if the JVM is asked to stop while it runs (SIGTERM,
 * Ctrl-C). The JVM's own list in production; a test holds on to the hook to run it itself.
 */
public interface ShutdownHooks {
  /** The JVM's shutdown hooks. */
  ShutdownHooks JVM = new ShutdownHooks() {
    @Override
    public void add(Thread hook) {
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void remove(Thread hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it has nothing left to do once the run ended
      }
    }
  };

  void add(Thread hook);

  /** Called once the run ended; a hook already running is left to finish. */
  void remove(Thread hook);
}
