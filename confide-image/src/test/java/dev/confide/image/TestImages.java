package dev.confide.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Base images made from this machine's own files, without a registry: a root with Debian's
 * python3 ({@link dev.confide.testing.PythonRootFs}) and seed 003's counter in /code as a second layer, packed as a docker-archive ({@code docker save}'s format).
 * Built once per test JVM under target/.
 */
final class TestImages {
  static final Path TARGET = Path.of("target", "test-images").toAbsolutePath();
  static final Path COUNTER = Path.of("../examples/python/counter/counter.py").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestImages() {}

  /** The counter's base image (docker-archive), made once. */
  static synchronized Path counterBase() throws IOException {
    Path tar = TARGET.resolve("counter-base.tar");
    if (Files.isRegularFile(tar)) {
      return tar;
    }
    Path os = TARGET.resolve("counter-os");
    DeleteTree.of(os);
    Files.createDirectories(os);
    dev.confide.testing.PythonRootFs.make(os);
    Files.writeString(os.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    Files.writeString(os.resolve("etc/group"), "root:x:0:\napp:x:1000:\n");
    Path app = TARGET.resolve("counter-app");
    DeleteTree.of(app);
    Files.createDirectories(app.resolve("code"));
    Files.copy(COUNTER, app.resolve("code/counter.py"));
    Files.writeString(app.resolve("code/README"), "seed 003's counter\n");
    dockerArchive(tar, List.of(os, app), List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1"), "/", "app");
    return tar;
  }

  /** A docker-archive of one layer per folder (each folder's contents at the image's root). */
  static void dockerArchive(Path tar, List<Path> layerDirs, List<String> env, String workdir, String user) throws IOException {
    List<byte[]> written = new java.util.ArrayList<>();
    for (Path dir : layerDirs) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      Blob.Content content = out -> {
        try (LayerWriter w = new LayerWriter(out); var children = Files.list(dir)) {
          for (Path c : children.sorted().toList()) {
            w.tree("/" + c.getFileName(), c);
          }
        }
      };
      content.write(bytes);
      written.add(bytes.toByteArray());
    }
    dockerArchiveOfLayers(tar, written, env, workdir, user);
  }

  /** A docker-archive of the given layers (uncompressed tars, as they are). */
  static void dockerArchiveOfLayers(Path tar, List<byte[]> written, List<String> env, String workdir, String user) throws IOException {
    ArrayNode diffIds = JSON.createArrayNode();
    ArrayNode layers = JSON.createArrayNode();
    for (byte[] layer : written) {
      Blob b = Blob.of(layer);
      diffIds.add(b.digest());
      layers.add(b.hex() + "/layer.tar");
    }
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    ObjectNode c = config.putObject("config");
    ArrayNode envs = c.putArray("Env");
    env.forEach(envs::add);
    c.putArray("Cmd").add("python3").add("/code/counter.py");
    c.put("WorkingDir", workdir);
    c.put("User", user);
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.set("diff_ids", diffIds);
    byte[] configBytes = JSON.writeValueAsBytes(config);
    String configName = ImageConverter.hex(Blob.sha256().digest(configBytes)) + ".json";
    ArrayNode manifest = JSON.createArrayNode();
    ObjectNode m = manifest.addObject();
    m.put("Config", configName);
    m.putArray("RepoTags").add("localhost/counter:latest");
    m.set("Layers", layers);
    try (OutputStream file = Files.newOutputStream(tar); TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (int i = 0; i < written.size(); i++) {
        entry(out, layers.get(i).asText(), written.get(i));
      }
      entry(out, configName, configBytes);
      entry(out, "manifest.json", JSON.writeValueAsBytes(manifest));
    }
  }

  private static void entry(TarArchiveOutputStream out, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    out.putArchiveEntry(e);
    out.write(content);
    out.closeArchiveEntry();
  }

  /** The runtime's distribution with a jre of its own ({@link dev.confide.testing.RuntimeWithJre}), made once per test JVM. */
  private static Path runtime;

  static synchronized Path runtime() throws IOException {
    if (runtime == null) {
      runtime = freshRuntime();
    }
    return runtime;
  }

  private static Path freshRuntime() throws IOException {
    return dev.confide.testing.RuntimeWithJre.in(Path.of("../confide-runtime/target/dist").toAbsolutePath(), TARGET.resolve("runtime"));
  }

}
