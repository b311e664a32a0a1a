package dev.confide.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an OCI image layout as one tarball ({@code oci-layout}, {@code index.json} naming the
 * image {@code localhost/NAME:latest}, {@code blobs/sha256/...}), which {@code skopeo} and {@code podman load}
 * read as an {@code oci-archive} ({@code localhost/NAME:latest}) and {@code umoci} reads once unpacked. Beside it, a docker-archive
 * {@code manifest.json} naming the same blobs ({@code localhost/NAME:latest}), which tools that
 * read docker-archives (jib, {@code docker load}) need.
 */
final class OciArchive {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The tag the index gives the image. */
  static final String TAG = "latest";

  private OciArchive() {}

  /** The name the index and the docker manifest give the image: what podman load and umoci call it. */
  static String reference(String name) {
    return "localhost/" + name + ":" + TAG;
  }

  static void write(Path to, String name, Blob manifest, Blob config, List<Blob> layers, boolean force, Path work)
      throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", "application/vnd.oci.image.index.v1+json");
    ObjectNode m = index.putArray("manifests").addObject();
    m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    m.put("digest", manifest.digest());
    m.put("size", manifest.size());
    m.putObject("annotations").put("org.opencontainers.image.ref.name", reference(name));
    ArrayNode docker = JSON.createArrayNode();
    ObjectNode image = docker.addObject();
    image.put("Config", "blobs/sha256/" + config.hex());
    image.putArray("RepoTags").add(reference(name));
    ArrayNode layerNames = image.putArray("Layers");
    layers.forEach(l -> layerNames.add("blobs/sha256/" + l.hex()));

    Path temp = Files.createTempFile(work, "image-", ".tar");
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
         TarArchiveOutputStream tar = new TarArchiveOutputStream(file, 1 << 16)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      bytes(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      bytes(tar, "index.json", JSON.writeValueAsBytes(index));
      bytes(tar, "manifest.json", JSON.writeValueAsBytes(docker));
      directory(tar, "blobs/");
      directory(tar, "blobs/sha256/");
      List<Blob> all = new ArrayList<>(List.of(manifest, config));
      all.addAll(layers);
      Set<String> written = new LinkedHashSet<>();
      for (Blob b : all) {
        if (written.add(b.hex())) {
          TarArchiveEntry e = new TarArchiveEntry("blobs/sha256/" + b.hex());
          e.setSize(b.size());
          e.setMode(0100644);
          e.setModTime(0);
          tar.putArchiveEntry(e);
          // commons-compress refuses more bytes than the header's size: a content that changed
          // between its two passes cannot slip through
          b.content().write(new NoClose(tar));
          tar.closeArchiveEntry();
        }
      }
      tar.finish();
    }
    Files.setAttribute(temp, "unix:mode", 0644);
    if (force) {
      Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** The archive's stream, which a blob's content must not close. */
  private static final class NoClose extends java.io.FilterOutputStream {
    NoClose(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  private static void bytes(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    e.setMode(0100644);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }
}
