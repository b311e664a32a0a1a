package dev.confide.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main section of a manifest read alone gives the main attributes {@link JarFile} gives, for
 * every line ending, continuation lines, and a signed jar's thousands of per-entry sections (which
 * it does not read).
 */
class MainManifestTest {
  @TempDir Path tmp;

  private Path jar(String manifest) throws Exception {
    Path jar = Files.createTempFile(tmp, "m", ".jar");
    try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(file)) {
      zip.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
      zip.write(manifest.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("a/A.class"));
      zip.write(new byte[] {1, 2, 3});
      zip.closeEntry();
    }
    return jar;
  }

  private static Attributes viaJarFile(Path jar) throws Exception {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.getManifest() == null ? new Attributes() : j.getManifest().getMainAttributes();
    }
  }

  @Test
  void everyLineEndingAndContinuationGiveWhatJarFileGives() throws Exception {
    String sections = "Name: a/A.class\nSHA-256-Digest: AAAA\n\n".repeat(5000);
    for (String eol : new String[] {"\n", "\r\n", "\r"}) {
      String manifest = ("Manifest-Version: 1.0\nClass-Path: lib/one.jar lib/tw\n o.jar lib/three.jar\nCreated-By: test\n\n"
          + sections).replace("\n", eol);
      Path jar = jar(manifest);
      Attributes main = MainManifest.of(jar);
      assertThat(main).as(eol.replace("\r", "CR").replace("\n", "LF")).isEqualTo(viaJarFile(jar));
      assertThat(main.getValue("Class-Path")).isEqualTo("lib/one.jar lib/two.jar lib/three.jar");
      assertThat(MainManifest.mainSection(new ByteArrayInputStream(manifest.getBytes(StandardCharsets.UTF_8))))
          .as("the per-entry sections are not read").hasSizeLessThan(200);
    }
  }

  @Test
  void aManifestOfOnlyAMainSectionOrNoneAtAll() throws Exception {
    Path only = jar("Manifest-Version: 1.0\nMain-Class: x.Y\n");
    assertThat(MainManifest.of(only)).isEqualTo(viaJarFile(only)).containsKey(new Attributes.Name("Main-Class"));
    Path none = Files.createTempFile(tmp, "n", ".jar");
    try (OutputStream file = Files.newOutputStream(none); ZipOutputStream zip = new ZipOutputStream(file)) {
      zip.putNextEntry(new ZipEntry("a/A.class"));
      zip.closeEntry();
    }
    assertThat(MainManifest.of(none)).isEmpty();
  }

  @Test
  void signedAndPlainJarsOfThisClassPathGiveWhatJarFileGives() throws Exception {
    // BouncyCastle's provider is signed: a manifest section per class
    for (Class<?> c : new Class<?>[] {org.bouncycastle.jce.provider.BouncyCastleProvider.class,
        com.fasterxml.jackson.databind.ObjectMapper.class, org.assertj.core.api.Assertions.class}) {
      Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      assertThat(jar.toString()).endsWith(".jar");
      assertThat(MainManifest.of(jar)).as(jar.getFileName().toString()).isEqualTo(viaJarFile(jar));
    }
  }
}
