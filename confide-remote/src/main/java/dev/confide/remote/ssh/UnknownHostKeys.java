package dev.confide.remote.ssh;

/**
 * What is done with a host key no {@code known_hosts} entry names: a one-method strategy, as MINA
 * SSHD's verifiers are, so that a terminal prompt, a fingerprint the user typed and a flat refusal
 * are interchangeable. Never "accept": Confide does not take an unknown key silently.
 */
@FunctionalInterface
public interface UnknownHostKeys {
  /** Whether {@code fingerprint} (SHA256:..., as OpenSSH prints it) of {@code host}'s new key is to be trusted. */
  boolean trust(String host, int port, String keyType, String fingerprint);

  /** Refuses every unknown key: without a terminal and without {@code --host-key}, nobody confirmed it. */
  UnknownHostKeys REFUSE = (host, port, type, fingerprint) -> false;

  /**
   * Takes a key no entry names, to be recorded: only where the user's {@code ~/.ssh/config} says
   * {@code StrictHostKeyChecking accept-new} for the host (trust on first use, chosen). A changed
   * key never reaches a strategy.
   */
  UnknownHostKeys ACCEPT_NEW = (host, port, type, fingerprint) -> true;

  /**
   * Asks the user, as OpenSSH does: the fingerprint, then "yes" (the key is trusted), or anything
   * else, or the end of input (it is not). For a terminal: the CLI passes its console.
   */
  static UnknownHostKeys asking(java.io.BufferedReader in, java.io.PrintWriter out) {
    return (host, port, type, fingerprint) -> {
      String where = port == 22 ? host : "[" + host + "]:" + port;
      return YesAtTerminal.ask(in, out, "Are you sure you want to continue connecting",
          "The authenticity of host '" + where + "' can't be established.", type + " key fingerprint is " + fingerprint + ".");
    };
  }

  /**
   * Trusts exactly the key whose fingerprint the user gave ({@code --host-key SHA256:...}, as
   * {@code ssh-keygen -lf} or the host's operator prints it).
   */
  static UnknownHostKeys expecting(String fingerprint) {
    String expected = fingerprint.strip();
    if (!expected.startsWith("SHA256:") || expected.length() < 20) {
      throw new IllegalArgumentException("a host key fingerprint is SHA256:... as 'ssh-keygen -lf' prints it");
    }
    // base64 is case-sensitive: the fingerprint must be exactly the one presented
    return (host, port, type, presented) -> presented.equals(expected);
  }
}
