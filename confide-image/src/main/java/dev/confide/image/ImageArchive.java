package dev.confide.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.confide.runtime.ExitCodes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * An image tarball opened for reading, without unpacking it: a docker-archive ({@code docker save},
 * {@code podman save}: {@code manifest.json} naming the configuration and the layers) or an OCI
 * image layout ({@code oci-layout}, {@code index.json}, {@code blobs/}); where a tarball has both,
 * the OCI index is read. Layers are plain, gzip- or zstd-compressed tars (told from their first bytes).
 */
public final class ImageArchive implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final TarFile tar;
  private final Map<String, TarArchiveEntry> entries;
  private final ObjectNode config;
  private final List<Layer> layers;

  /** How a layer's tar is stored. */
  public enum Compression {
    NONE("application/vnd.oci.image.layer.v1.tar"),
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip"),
    ZSTD("application/vnd.oci.image.layer.v1.tar+zstd");

    /** The OCI media type of a layer stored so. */
    public final String mediaType;

    Compression(String mediaType) {
      this.mediaType = mediaType;
    }
  }

  /** One layer: where it lies in the tarball, its digest as the image names it, and how it is compressed. */
  public record Layer(String entry, String digest, long size, Compression compression, String mediaType) {}

  /** The image's name in the tarball (an OCI ref.name, a docker RepoTag), or null. */
  private final String reference;
  /** The digest of the image's OCI manifest (what an engine that loaded it reports), or null for a docker-archive. */
  private final String manifestDigest;

  private ImageArchive(Path file, TarFile tar, Map<String, TarArchiveEntry> entries, ObjectNode config, List<Layer> layers,
      String reference, String manifestDigest) {
    this.reference = reference;
    this.manifestDigest = manifestDigest;
    this.file = file;
    this.tar = tar;
    this.entries = entries;
    this.config = config;
    this.layers = List.copyOf(layers);
  }

  /** Opens {@code file}, or says in one line why it is not an image tarball. */
  public static ImageArchive open(Path file) {
    if (!Files.exists(file)) {
      throw new ImageException(ExitCodes.NO_INPUT, file + " does not exist", "give the image tarball ('podman save -o FILE IMAGE' makes one)");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ImageException(ExitCodes.NO_INPUT, file + " is not a readable file", "give the image tarball ('podman save -o FILE IMAGE' makes one)");
    }
    TarFile tar;
    try {
      tar = new TarFile(file);
    } catch (IOException | RuntimeException e) {
      throw notAnImage(file, "it is not a tar file");
    }
    try {
      Map<String, TarArchiveEntry> entries = new HashMap<>();
      for (TarArchiveEntry e : tar.getEntries()) {
        entries.put(clean(e.getName()), e);
      }
      ImageArchive archive = entries.containsKey("index.json") ? readOci(file, tar, entries)
          : entries.containsKey("manifest.json") ? readDocker(file, tar, entries) : null;
      if (archive == null) {
        throw notAnImage(file, "it holds neither an OCI index.json nor a docker-archive manifest.json");
      }
      return archive;
    } catch (IOException | RuntimeException e) {
      try {
        tar.close();
      } catch (IOException ignored) {
        // the refusal says what matters
      }
      if (e instanceof ImageException ie) {
        throw ie;
      }
      throw notAnImage(file, e.getMessage());
    }
  }

  private static ImageException notAnImage(Path file, String why) {
    return new ImageException(ExitCodes.DATA, file + " is not a container image tarball: " + why,
        "give a docker-archive ('podman save -o FILE IMAGE') or an OCI layout tarball ('podman save --format oci-archive')");
  }

  static String clean(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
  }

  private static ImageArchive readDocker(Path file, TarFile tar, Map<String, TarArchiveEntry> entries) throws IOException {
    JsonNode manifest = json(tar, entries, "manifest.json", file);
    if (!manifest.isArray() || manifest.isEmpty()) {
      throw notAnImage(file, "its manifest.json lists no image");
    }
    if (manifest.size() > 1) {
      throw new ImageException(ExitCodes.DATA, file + " holds " + manifest.size() + " images",
          "save one image per tarball ('podman save -o FILE IMAGE')");
    }
    JsonNode image = manifest.get(0);
    ObjectNode config = (ObjectNode) json(tar, entries, text(image, "Config", file), file);
    List<Layer> layers = new ArrayList<>();
    for (JsonNode l : image.path("Layers")) {
      String entry = clean(l.asText());
      TarArchiveEntry e = entry(entries, entry, file);
      layers.add(new Layer(entry, null, e.getSize(), compression(tar, e), null));
    }
    JsonNode tags = image.path("RepoTags");
    return new ImageArchive(file, tar, entries, config, layers, tags.isArray() && !tags.isEmpty() ? tags.get(0).asText() : null, null);
  }

  private static ImageArchive readOci(Path file, TarFile tar, Map<String, TarArchiveEntry> entries) throws IOException {
    JsonNode index = json(tar, entries, "index.json", file);
    JsonNode manifest = null;
    String reference = null;
    String manifestDigest = null;
    for (int depth = 0; depth < 3 && manifest == null; depth++) {
      JsonNode list = index.path("manifests");
      if (!list.isArray() || list.isEmpty()) {
        throw notAnImage(file, "its index lists no manifest");
      }
      JsonNode chosen = list.get(0);
      for (JsonNode m : list) {
        JsonNode platform = m.path("platform");
        if (platform.path("architecture").asText("amd64").equals("amd64") && platform.path("os").asText("linux").equals("linux")) {
          chosen = m;
          break;
        }
      }
      JsonNode next = json(tar, entries, blob(text(chosen, "digest", file)), file);
      JsonNode name = chosen.path("annotations").path("org.opencontainers.image.ref.name");
      if (reference == null && name.isTextual()) {
        reference = name.asText();
      }
      if (next.has("manifests")) {
        index = next; // an image index: one level further
      } else {
        manifest = next;
        manifestDigest = text(chosen, "digest", file);
      }
    }
    if (manifest == null) {
      throw notAnImage(file, "its indexes nest too deep");
    }
    ObjectNode config = (ObjectNode) json(tar, entries, blob(text(manifest.path("config"), "digest", file)), file);
    List<Layer> layers = new ArrayList<>();
    for (JsonNode l : manifest.path("layers")) {
      String digest = text(l, "digest", file);
      String mediaType = l.path("mediaType").asText("");
      TarArchiveEntry e = entry(entries, blob(digest), file);
      layers.add(new Layer(blob(digest), digest, e.getSize(), compression(tar, e), mediaType));
    }
    return new ImageArchive(file, tar, entries, config, layers, reference, manifestDigest);
  }

  private static String blob(String digest) {
    int colon = digest.indexOf(':');
    return "blobs/" + digest.substring(0, Math.max(colon, 0)) + "/" + digest.substring(colon + 1);
  }

  private static String text(JsonNode node, String field, Path file) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw notAnImage(file, "a manifest has no " + field);
    }
    return v.asText();
  }

  private static TarArchiveEntry entry(Map<String, TarArchiveEntry> entries, String name, Path file) {
    TarArchiveEntry e = entries.get(name);
    if (e == null || !e.isFile()) {
      throw notAnImage(file, "it names " + name + " but does not hold it");
    }
    return e;
  }

  private static JsonNode json(TarFile tar, Map<String, TarArchiveEntry> entries, String name, Path file) throws IOException {
    TarArchiveEntry e = entry(entries, clean(name), file);
    if (e.getSize() > 16 << 20) {
      throw notAnImage(file, name + " is too large for image metadata");
    }
    try (InputStream in = tar.getInputStream(e)) {
      return JSON.readTree(in);
    } catch (com.fasterxml.jackson.core.JacksonException ex) {
      throw notAnImage(file, name + " is not JSON");
    }
  }

  private static Compression compression(TarFile tar, TarArchiveEntry e) throws IOException {
    try (InputStream in = tar.getInputStream(e)) {
      byte[] head = in.readNBytes(4);
      if (head.length == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
          && (head[3] & 0xff) == 0xfd) {
        return Compression.ZSTD;
      }
      return head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b ? Compression.GZIP : Compression.NONE;
    }
  }

  public Path file() {
    return file;
  }

  /** The image's name in the tarball, or null. */
  public String reference() {
    return reference;
  }

  /** The digest of its OCI manifest, or null (a docker-archive has none). */
  public String manifestDigest() {
    return manifestDigest;
  }

  /** The image's configuration (a copy: changing it changes nothing here). */
  public ObjectNode config() {
    return config.deepCopy();
  }

  public List<Layer> layers() {
    return layers;
  }

  /** The layer's bytes as stored (compressed if it is). */
  public InputStream raw(Layer layer) throws IOException {
    return tar.getInputStream(entries.get(layer.entry()));
  }

  /**
   * The names of an uncompressed layer's entries, read from their headers alone (the contents are
   * skipped, not read), or null for a compressed layer, whose names cost reading it whole.
   */
  public List<String> entryNames(Layer layer) throws IOException {
    if (layer.compression() != Compression.NONE) {
      return null;
    }
    TarArchiveEntry stored = entries.get(layer.entry());
    // the region closes the file's channel; a layer TarFile refuses still gets it closed here
    try (ChannelRegion region = new ChannelRegion(java.nio.channels.FileChannel.open(file), stored.getDataOffset(), stored.getSize());
         TarFile layerTar = new TarFile(region)) {
      return layerTar.getEntries().stream().map(TarArchiveEntry::getName).toList();
    }
  }

  /** The layer's tar, uncompressed. */
  public InputStream uncompressed(Layer layer) throws IOException {
    return uncompressed(raw(layer), layer);
  }

  /** {@code raw}, the layer's bytes as stored, uncompressed. */
  static InputStream uncompressed(InputStream raw, Layer layer) throws IOException {
    InputStream buffered = new BufferedInputStream(raw, 1 << 16);
    return switch (layer.compression()) {
      case GZIP -> new GzipCompressorInputStream(buffered, true);
      case ZSTD -> new ZstdCompressorInputStream(buffered);
      case NONE -> buffered;
    };
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
