package dev.confide.runtime;

import dev.confide.attest.Measurer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a runtime's measurement covers: exactly the code it runs from, its jar (and the jars that
 * jar's manifest names) and its Java's {@code lib/modules}. The runtime computes it over itself;
 * a client computes the same over the distribution it starts or ships, to name it in a session.
 * JVM options and the AOT cache are not covered (docs/runtime.md): with simulated attestation the
 * host's owner can change anything anyway, and a TEE measures what it loads itself.
 */
public final class RuntimeDigest {
  private RuntimeDigest() {}

  /** The digest of the runtime whose jar is {@code jar}, run by the Java installed at {@code javaHome}. */
  public static String of(Path jar, Path javaHome) throws IOException {
    return Measurer.runtimeDigest(jar.toAbsolutePath() + File.pathSeparator + javaHome.resolve("lib").resolve("modules"));
  }

  /** The digest of this JVM as a runtime: its class path and its own {@code lib/modules}. */
  public static String ofThisJvm() throws IOException {
    return Measurer.runtimeDigest(System.getProperty("java.class.path") + File.pathSeparator
        + Path.of(System.getProperty("java.home"), "lib", "modules"));
  }
}
