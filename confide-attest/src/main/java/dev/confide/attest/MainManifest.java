package dev.confide.attest;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A jar's main manifest attributes, read without its per-entry sections: a signed jar's manifest
 * has one section per class (BouncyCastle's bcprov: 20,000 lines), which {@link JarFile#getManifest}
 * parses whole. The main section ends at the manifest's first empty line (JAR File
 * Specification, "Manifest Specification"); the JDK's {@link Manifest} parses what comes before.
 */
final class MainManifest {
  /** Longer than any main section Confide's jars have; a manifest without an empty line that long is read no further. */
  private static final int LIMIT = 1 << 20;

  private MainManifest() {}

  /** The main attributes of {@code jar}'s manifest; empty when it has none. */
  static Attributes of(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry entry = zip.getEntry(JarFile.MANIFEST_NAME);
      if (entry == null) {
        return new Attributes();
      }
      try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
        return new Manifest(new ByteArrayInputStream(mainSection(in))).getMainAttributes();
      }
    }
  }

  /** The bytes up to and including the first empty line (a line ends with CR LF, LF or CR). */
  static byte[] mainSection(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean lineEmpty = true;
    for (int b; (b = in.read()) >= 0 && out.size() < LIMIT; ) {
      out.write(b);
      if (b == '\r') {
        in.mark(1);
        int next = in.read();
        if (next == '\n') {
          out.write(next);
        } else if (next >= 0) {
          in.reset();
        }
      }
      if (b == '\r' || b == '\n') {
        if (lineEmpty) {
          break;
        }
        lineEmpty = true;
      } else {
        lineEmpty = false;
      }
    }
    return out.toByteArray();
  }
}
