package dev.confide.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where Confide keeps the user's things (XDG): configuration (identity, pinned CASes) and data (the
 * embedded CAS). {@code CONFIDE_CONFIG_DIR} / {@code CONFIDE_DATA_DIR} override both for scripts and tests.
 */
public record ConfideDirs(Path config, Path data) {
  public static ConfideDirs from(Map<String, String> env) {
    Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    return new ConfideDirs(
        pick(env, "CONFIDE_CONFIG_DIR", "XDG_CONFIG_HOME", home.resolve(".config")),
        pick(env, "CONFIDE_DATA_DIR", "XDG_DATA_HOME", home.resolve(".local/share")));
  }

  private static Path pick(Map<String, String> env, String own, String xdg, Path fallback) {
    String direct = env.get(own);
    if (direct != null && !direct.isEmpty()) {
      return Path.of(direct);
    }
    String base = env.get(xdg);
    return (base != null && !base.isEmpty() ? Path.of(base) : fallback).resolve("confide");
  }

  public Path identity() {
    return config.resolve("identity");
  }

  /** Where {@code image convert} keeps the runtime's layer between conversions. */
  public Path imageCache() {
    return data.resolve("image-cache");
  }

  public Path casData() {
    return data.resolve("cas");
  }

  /** Where {@code confide cas collateral import} keeps hardware evidence's collateral (VCEKs, VLEKs). */
  public Path collateral() {
    return casData().resolve("collateral");
  }
}
