package dev.confide.cli;

/**
 * The CLI's exit codes: those of the runtime ({@link dev.confide.runtime.ExitCodes}, README "Exit
 * codes"), under the names the CLI's code uses. Compile-time constants, so that the daemon's client
 * jar, which holds this class but not the runtime, needs nothing else.
 */
public final class ExitCodes {
  public static final int OK = dev.confide.runtime.ExitCodes.OK;
  public static final int DIFFERS = dev.confide.runtime.ExitCodes.DIFFERS;
  public static final int USAGE = dev.confide.runtime.ExitCodes.USAGE;
  public static final int DATA = dev.confide.runtime.ExitCodes.DATA;
  public static final int NO_INPUT = dev.confide.runtime.ExitCodes.NO_INPUT;
  public static final int UNAVAILABLE = dev.confide.runtime.ExitCodes.UNAVAILABLE;
  public static final int SOFTWARE = dev.confide.runtime.ExitCodes.SOFTWARE;
  public static final int CANT_CREATE = dev.confide.runtime.ExitCodes.CANT_CREATE;
  public static final int IO = dev.confide.runtime.ExitCodes.IO;
  public static final int TEMP_FAIL = dev.confide.runtime.ExitCodes.TEMP_FAIL;
  public static final int DENIED = dev.confide.runtime.ExitCodes.DENIED;
  public static final int CONFIG = dev.confide.runtime.ExitCodes.CONFIG;
  public static final int INTEGRITY = dev.confide.runtime.ExitCodes.INTEGRITY;
  public static final int CANCELLED = dev.confide.runtime.ExitCodes.CANCELLED;

  private ExitCodes() {}
}
