package dev.confide.cli;

import picocli.CommandLine.IVersionProvider;

/** The version printed by {@code confide --version}. */
public final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"confide " + (v == null ? "development build" : v)};
  }
}
