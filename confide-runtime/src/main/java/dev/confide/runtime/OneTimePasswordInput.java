package dev.confide.runtime;

import java.io.Console;
import java.util.Map;

/**
 * Where the one-time password of a session that needs one ({@code security.attestation.
 * one_time_password_shared_secret}) comes from when a host starts a run: {@value #ENV} in the
 * environment (scripts, containers), else the terminal when {@code --otp} asks for it. Never the
 * command line, which every user of the machine can read while the code is still unused.
 */
public final class OneTimePasswordInput {
  public static final String ENV = "CONFIDE_OTP";

  private OneTimePasswordInput() {}

  /** The code in {@code env}, checked for shape; null when there is none. */
  public static String fromEnvironment(Map<String, String> env) {
    String v = env.get(ENV);
    return v == null || v.isBlank() ? null : checked(v.strip(), ENV);
  }

  /** The code from {@code env}, else from {@code console} when {@code ask}; null when neither gives one. */
  public static String read(Map<String, String> env, boolean ask, String session, Console console) {
    String fromEnv = fromEnvironment(env);
    if (fromEnv != null || !ask) {
      return fromEnv;
    }
    if (console == null || !console.isTerminal()) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "--otp asks for the code on a terminal, and there is none",
          "set " + ENV + " to the current code of the session's authenticator instead");
    }
    char[] typed = console.readPassword("One-time password for session %s: ", session);
    if (typed == null || typed.length == 0) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "no one-time password was typed",
          "type the current code of the session's authenticator");
    }
    return checked(new String(typed).strip(), "the typed code");
  }

  private static String checked(String code, String from) {
    if (!code.matches("[0-9]{6}")) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, from + " is not a one-time password (6 digits)",
          "give the 6-digit code the session's authenticator shows now");
    }
    return code;
  }
}
