package dev.confide.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small container image for {@code confide image demo}, written by Confide's own layer and
 * archive writers: an OCI layout tarball of one layer holding a shell script as its program
 * ({@value #COMMAND}, in {@code /usr/bin}), the application's files under {@value #APP} and the
 * account files. It needs nothing from a registry or a container engine.
 */
public final class DemoImage {
  /** The program the image runs. */
  public static final String COMMAND = "demo-app";
  /** The application's folder, which the demo encrypts. */
  public static final String APP = "/app";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DemoImage() {}

  /** Writes the image to {@code tarball} (which must not exist) as {@code localhost/NAME:latest}. */
  public static void write(Path tarball, String name) throws IOException {
    Path work = Files.createTempDirectory(tarball.toAbsolutePath().getParent(), ".confide-demo-image-");
    try (OciArchive archive = OciArchive.open(work)) {
      Blob layer = archive.blob(out -> {
        try (LayerWriter w = new LayerWriter(out)) {
          w.directory("/etc", 0755);
          w.file("/etc/passwd", bytes("root:x:0:0:root:/root:/bin/sh\n"), 0644);
          w.file("/etc/group", bytes("root:x:0:\n"), 0644);
          w.directory("/usr", 0755);
          w.directory("/usr/bin", 0755);
          w.file("/usr/bin/" + COMMAND, bytes("#!/bin/sh\ncat " + APP + "/message.txt\n"), 0755);
          w.directory(APP, 0755);
          w.file(APP + "/message.txt", bytes("Hello from the application's encrypted folder.\n"), 0644);
          w.directory(APP + "/data", 0755);
          for (int i = 0; i < 8; i++) {
            // some larger files, so that the sealing has segments to encrypt
            w.file(APP + "/data/part-" + i + ".bin", new byte[(64 << 10) * (i + 1)], 0644);
          }
        }
      });
      ObjectNode config = JSON.createObjectNode();
      config.put("architecture", "amd64");
      config.put("os", "linux");
      ObjectNode cfg = config.putObject("config");
      cfg.putArray("Env").add("PATH=/usr/local/bin:/usr/bin:/bin");
      cfg.putArray("Cmd").add(COMMAND);
      cfg.put("WorkingDir", "/");
      ObjectNode rootfs = config.putObject("rootfs");
      rootfs.put("type", "layers");
      rootfs.putArray("diff_ids").add(layer.digest());
      Blob configBlob = Blob.of(JSON.writeValueAsBytes(config));
      Blob manifestBlob = ImageConverter.manifest(configBlob, List.of(new ImageConverter.Descriptor(ImageConverter.LAYER_TAR, layer)));
      archive.blob(configBlob);
      archive.blob(manifestBlob);
      archive.finish(tarball, name, manifestBlob, configBlob, List.of(layer), false);
    } finally {
      DeleteTree.quietly(work);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
