package dev.confide.cas;

import java.nio.file.Path;

/**
 * A process that opens a CAS data folder, as a CAS starting does, and prints what it holds: its
 * TLS key's hash, its audit key, and a probe sealed under its master key.
 */
public final class CasHomeProbe {
  private CasHomeProbe() {}

  public static void main(String[] args) throws Exception {
    CasHome home = CasHome.open(Path.of(args[0]), "127.0.0.1");
    System.out.println(CasHomeTest.describe(home, args[1]));
  }
}
