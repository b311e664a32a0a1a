package dev.confide.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.spi.ToolProvider;

/**
 * The runtime's distribution as ./confide leaves it (lib/, bin/, jvm.args and a jre/ of its own,
 * made by jlink from the JDK that runs the tests, with scripts/runtime-jre's modules): what a
 * converted image carries. The jars are copied afresh each time (a runtime changed since the
 * last test run is the one used); the jre is made once per folder.
 */
public final class RuntimeWithJre {
  /** scripts/runtime-jre's modules. */
  static final String MODULES = "java.base,java.management,java.net.http,java.sql,jdk.security.auth,jdk.unsupported,jdk.crypto.ec";

  private RuntimeWithJre() {}

  /** {@code built} (confide-runtime/target/dist) with a jre, in {@code into}. */
  public static Path in(Path built, Path into) throws IOException {
    if (!Files.isRegularFile(built.resolve("lib/confide-runtime.jar"))) {
      throw new IllegalStateException("build confide-runtime first (./mvnw package -pl confide-runtime)");
    }
    Files.createDirectories(into);
    for (String part : List.of("lib", "bin")) {
      TreeCopies.remove(into.resolve(part));
      TreeCopies.copy(built.resolve(part), into.resolve(part));
    }
    Files.copy(built.resolve("jvm.args"), into.resolve("jvm.args"), StandardCopyOption.REPLACE_EXISTING);
    if (Files.isExecutable(into.resolve("jre/bin/java"))) {
      return into;
    }
    TreeCopies.remove(into.resolve("jre"));
    StringWriter out = new StringWriter();
    int rc = ToolProvider.findFirst("jlink").orElseThrow().run(new PrintWriter(out), new PrintWriter(out), "--add-modules", MODULES,
        "--strip-debug", "--no-header-files", "--no-man-pages", "--output", into.resolve("jre").toString());
    if (rc != 0) {
      throw new IllegalStateException("jlink failed: " + out);
    }
    return into;
  }
}
