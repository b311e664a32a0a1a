package dev.confide.runtime;

import dev.confide.attest.FileDigests;
import dev.confide.attest.Measurer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a runtime's measurement covers: exactly the code it runs from, its jar (and the jars that
 * jar's manifest names) and its Java's {@code lib/modules}. The runtime computes it over itself;
 * a client computes the same over the distribution it starts or ships, to name it in a session.
 * When it runs with an ahead-of-time cache (pre-parsed classes: code, in effect) the cache is
 * covered too; its launcher says which through {@link #AOT_CACHE_PROPERTY}. The JVM's options
 * ({@code jvm.args}) are not covered (docs/runtime.md): with simulated attestation the host's
 * owner can change anything anyway, and a TEE measures what it loads itself.
 */
public final class RuntimeDigest {
  /** The system property naming the AOT cache this runtime's JVM was started with. */
  public static final String AOT_CACHE_PROPERTY = "confide.runtime.aot";

  private RuntimeDigest() {}

  /**
   * The digest of the runtime whose jar is {@code jar}, run by the Java installed at {@code
   * javaHome}, with the AOT cache {@code aotCache} (null: none).
   */
  public static String of(Path jar, Path javaHome, Path aotCache) throws IOException {
    return of(jar, javaHome, aotCache, null);
  }

  /** As {@link #of(Path, Path, Path)}, files hashed before taken from {@code digests} while unchanged (null: none). */
  public static String of(Path jar, Path javaHome, Path aotCache, FileDigests digests) throws IOException {
    return Measurer.runtimeDigest(jar.toAbsolutePath() + File.pathSeparator + javaHome.resolve("lib").resolve("modules")
        + (aotCache == null ? "" : File.pathSeparator + aotCache.toAbsolutePath()), digests);
  }

  /** The digest of this JVM as a runtime: its class path, its own {@code lib/modules} and its AOT cache. */
  public static String ofThisJvm() throws IOException {
    String cache = System.getProperty(AOT_CACHE_PROPERTY);
    return of(Path.of(System.getProperty("java.class.path")), Path.of(System.getProperty("java.home")),
        cache == null || cache.isEmpty() ? null : Path.of(cache));
  }
}
