package dev.confide.runtime;

import java.io.Console;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where a secret that starts a service comes from when a host starts a run: its variable in the
 * environment (scripts, containers), else the terminal when its option asks for it. Never the
 * command line, which every user of the machine can read. {@link #OTP}: the current code of the
 * session's authenticator ({@code security.attestation.one_time_password_shared_secret});
 * {@link #ACCESS_TOKEN}: the session's {@code security.service_access_token}.
 */
public record StartSecretInput(String env, String option, String what, String shape, Predicate<String> fits) {
  public static final StartSecretInput OTP = new StartSecretInput("CONFIDE_OTP", "--otp", "one-time password",
      "6 digits", v -> v.matches("[0-9]{6}"));
  public static final StartSecretInput ACCESS_TOKEN = new StartSecretInput("CONFIDE_ACCESS_TOKEN", "--access-token",
      "service access token", "one line, without control characters", v -> v.chars().noneMatch(Character::isISOControl));

  /** The value in {@code env}, checked for shape; null when there is none. */
  public String fromEnvironment(Map<String, String> environment) {
    String v = environment.get(env);
    return v == null || v.isBlank() ? null : checked(v.strip(), env);
  }

  /** The value from {@code environment}, else from {@code console} when {@code ask}; null when neither gives one. */
  public String read(Map<String, String> environment, boolean ask, String session, Console console) {
    String fromEnv = fromEnvironment(environment);
    if (fromEnv != null || !ask) {
      return fromEnv;
    }
    if (console == null || !console.isTerminal()) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, option + " asks for the " + what + " on a terminal, and there is none",
          "set " + env + " to it instead");
    }
    char[] typed = console.readPassword("%s for session %s: ", Character.toUpperCase(what.charAt(0)) + what.substring(1), session);
    if (typed == null || typed.length == 0) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "no " + what + " was typed", "type the session's " + what);
    }
    return checked(new String(typed).strip(), "the typed " + what);
  }

  private String checked(String value, String from) {
    if (!fits.test(value)) {
      // the value itself is not repeated: it is a secret
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, from + " is not a " + what + " (" + shape + ")",
          "give the session's " + what);
    }
    return value;
  }
}
