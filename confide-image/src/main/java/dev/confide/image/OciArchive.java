package dev.confide.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Writes an OCI image layout as one tarball ({@code oci-layout}, {@code index.json} naming the
 * image {@code localhost/NAME:latest}, {@code blobs/sha256/...}), which {@code skopeo} and {@code podman load}
 * read as an {@code oci-archive} ({@code localhost/NAME:latest}) and {@code umoci} reads once unpacked. Beside it, a docker-archive
 * {@code manifest.json} naming the same blobs ({@code localhost/NAME:latest}), which tools that
 * read docker-archives (jib, {@code docker load}) need.
 *
 * <p>Blobs go in first, as they are made: a blob whose digest is not known yet is streamed into
 * the archive once, hashed and counted on its way, and its tar header (which names it by that
 * digest and gives its size) is written into the 512 bytes kept for it before it
 * ({@link UstarHeader}); the index and manifests, which name the blobs, come last. The archive is
 * a temporary file until {@link #finish}, which moves it into place whole.
 */
final class OciArchive implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The tag the index gives the image. */
  static final String TAG = "latest";
  private static final String BLOBS = "blobs/sha256/";

  private final Path temp;
  private final FileChannel channel;
  private final OutputStream out;
  private final Set<String> written = new HashSet<>();
  /** The blob written last, which {@link #drop} can take out again, or null. */
  private Written last;
  private boolean finished;

  private record Written(String hex, long header) {}

  private OciArchive(Path temp) throws IOException {
    this.temp = temp;
    this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    out.write(UstarHeader.directory("blobs/"));
    out.write(UstarHeader.directory(BLOBS));
  }

  /** A new archive, a temporary file in {@code work} until {@link #finish}. */
  static OciArchive open(Path work) throws IOException {
    return new OciArchive(Files.createTempFile(work, "image-", ".tar"));
  }

  /** The name the index and the docker manifest give the image: what podman load and umoci call it. */
  static String reference(String name) {
    return "localhost/" + name + ":" + TAG;
  }

  /**
   * Writes {@code content} once as a blob, named by the digest of what it wrote. When
   * {@code content} fails, what it wrote is taken out of the archive again.
   */
  Blob blob(Blob.Content content) throws IOException {
    out.flush();
    long header = channel.position();
    out.write(new byte[UstarHeader.SIZE]);
    MessageDigest sha = Blob.sha256();
    Counted counted = new Counted(out);
    try (DigestOutputStream d = new DigestOutputStream(counted, sha)) {
      content.write(d);
    } catch (IOException | RuntimeException e) {
      try {
        cutBack(header);
      } catch (IOException second) {
        e.addSuppressed(second);
      }
      throw e;
    }
    pad(counted.count);
    out.flush();
    String hex = HexFormat.of().formatHex(sha.digest());
    if (written.contains(hex)) {
      // the same bytes are in already (two identical layers): one copy serves both
      cutBack(header);
    } else {
      channel.write(ByteBuffer.wrap(UstarHeader.file(BLOBS + hex, counted.count)), header);
      written.add(hex);
      last = new Written(hex, header);
    }
    return new Blob("sha256:" + hex, counted.count, content);
  }

  /**
   * Takes {@code blob}, the last one written, out of the archive again (a copy made on the chance
   * that it would be needed).
   */
  void drop(Blob blob) throws IOException {
    if (last == null || !last.hex().equals(blob.hex())) {
      throw new IllegalStateException("only the blob written last can be dropped");
    }
    written.remove(last.hex());
    cutBack(last.header());
  }

  /** Copies up to {@code size} bytes of {@code file} into the archive file to file (the kernel's copy); how many it copied. */
  private long copyFile(Path file, long size) throws IOException {
    out.flush();
    long start = channel.position();
    long copied = 0;
    try (FileChannel source = FileChannel.open(file)) {
      while (copied < size) {
        long n = channel.transferFrom(source, start + copied, size - copied);
        if (n <= 0) {
          break;
        }
        copied += n;
      }
    }
    channel.position(start + copied);
    return copied;
  }

  /** Ends the archive at {@code position} again: what was written after it is gone. */
  private void cutBack(long position) throws IOException {
    out.flush();
    channel.truncate(position);
    channel.position(position);
    last = null;
  }

  /** Writes {@code blob}, whose digest and size are known (a layer of the input, a cached one), once. */
  Blob blob(Blob blob) throws IOException {
    if (written.add(blob.hex())) {
      last = null;
      out.write(UstarHeader.file(BLOBS + blob.hex(), blob.size()));
      long count;
      if (blob.content() instanceof Blob.FileContent(Path file)) {
        count = copyFile(file, blob.size());
      } else {
        Counted counted = new Counted(out);
        blob.content().write(counted);
        count = counted.count;
      }
      if (count != blob.size()) {
        throw new IOException("blob " + blob.digest() + " wrote " + count + " bytes, not the " + blob.size() + " it was measured at");
      }
      pad(count);
    }
    return blob;
  }

  /**
   * Ends the archive with the index ({@code manifest} as {@code localhost/NAME:latest}), the docker
   * manifest ({@code config} and {@code layers}) and {@code oci-layout}, and moves it to {@code to}
   * (replacing a file there only with {@code force}).
   */
  void finish(Path to, String name, Blob manifest, Blob config, List<Blob> layers, boolean force) throws IOException {
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
    image.put("Config", BLOBS + config.hex());
    image.putArray("RepoTags").add(reference(name));
    ArrayNode layerNames = image.putArray("Layers");
    layers.forEach(l -> layerNames.add(BLOBS + l.hex()));
    bytes("manifest.json", JSON.writeValueAsBytes(docker));
    bytes("index.json", JSON.writeValueAsBytes(index));
    bytes("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
    // the end of the archive: two zero records
    out.write(new byte[2 * UstarHeader.SIZE]);
    out.flush();
    channel.close();
    finished = true;
    Files.setAttribute(temp, "unix:mode", 0644);
    if (force) {
      Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Closes an unfinished archive and removes it: nothing half-written is left. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      channel.close();
      Files.deleteIfExists(temp);
    }
  }

  private void bytes(String name, byte[] content) throws IOException {
    out.write(UstarHeader.file(name, content.length));
    out.write(content);
    pad(content.length);
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % UstarHeader.SIZE);
    if (rest != 0) {
      out.write(new byte[UstarHeader.SIZE - rest]);
    }
  }

  /** Counts what passes to the archive; a blob's content must not close the archive's stream. */
  private static final class Counted extends java.io.FilterOutputStream {
    long count;

    Counted(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void close() {
      // the archive goes on
    }
  }
}
