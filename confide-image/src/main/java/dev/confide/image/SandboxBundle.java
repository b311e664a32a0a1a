package dev.confide.image;

import dev.confide.runtime.Bubblewrap;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bwrap a converted image's runtime sandboxes its program with, and everything it needs to
 * start in any image: this machine's bwrap, the shared libraries its loader lists for it, and the
 * loader itself ({@link Bubblewrap#forContainer} starts it through that loader). The image then
 * needs neither bubblewrap nor a C library of a given version.
 */
final class SandboxBundle {
  private static final Path LOADER = Path.of("/lib64", Bubblewrap.LOADER);
  private static final Pattern LIBRARY = Pattern.compile("=>\\s+(/\\S+)\\s+\\(");

  private SandboxBundle() {}

  /** Fills {@code into} (a new folder) with bwrap, its libraries and the loader. */
  static void collect(Path into) throws IOException {
    Path bwrap = dev.confide.attest.Executables.onPath("bwrap").orElseThrow(() -> new ImageException(ExitCodes.UNAVAILABLE,
        "bubblewrap (bwrap) is not installed here; a converted image carries this machine's copy",
        "install it: apt-get install bubblewrap"));
    if (!Files.isExecutable(LOADER)) {
      throw new ImageException(ExitCodes.UNAVAILABLE, "this machine has no x86-64 loader at " + LOADER,
          "convert images on an x86-64 Linux machine with glibc");
    }
    List<Path> libraries = new ArrayList<>();
    Process p = new ProcessBuilder(LOADER.toString(), "--list", bwrap.toRealPath().toString()).redirectErrorStream(true).start();
    String listed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new ImageException(ExitCodes.UNAVAILABLE, "cannot list the libraries of " + bwrap + ": " + listed.strip(),
            "check that bwrap runs here: bwrap --ro-bind / / true");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    Matcher m = LIBRARY.matcher(listed);
    while (m.find()) {
      libraries.add(Path.of(m.group(1)));
    }
    Files.createDirectories(into);
    Files.copy(bwrap.toRealPath(), into.resolve("bwrap"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(LOADER.toRealPath(), into.resolve(Bubblewrap.LOADER), StandardCopyOption.REPLACE_EXISTING);
    for (Path lib : libraries) {
      Files.copy(lib.toRealPath(), into.resolve(lib.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    for (String name : List.of("bwrap", Bubblewrap.LOADER)) {
      Files.setAttribute(into.resolve(name), "unix:mode", 0755);
    }
  }
}
