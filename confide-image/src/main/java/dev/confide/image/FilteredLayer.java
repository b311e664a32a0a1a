package dev.confide.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A layer written again without its entries inside the encrypted directories (which the image
 * holds sealed instead): every other entry as it was, header and content, in an uncompressed tar
 * (POSIX headers for long names, large numbers and names that are not ASCII). It is made in one of
 * two ways: in a pass of its own over the input layer ({@link #copy}), or beside the unpacking,
 * which hands each entry over as it reads it ({@link #entry}, {@link #endEntry}), so that the input
 * is read once.
 */
final class FilteredLayer {
  private final TarArchiveOutputStream tar;
  private InputStream current;

  FilteredLayer(OutputStream out) {
    tar = LayerWriter.tarStream(out);
  }

  /** The layer {@code in} (an uncompressed tar) without the entries inside {@code dirs} (relative image paths), into {@code out}. */
  static void copy(InputStream in, List<String> dirs, OutputStream out) throws IOException {
    try (TarArchiveInputStream input = new TarArchiveInputStream(in)) {
      FilteredLayer layer = new FilteredLayer(out);
      for (TarArchiveEntry e; (e = input.getNextEntry()) != null; ) {
        if (!ImageConverter.insideAny(e.getName(), dirs)) {
          layer.entry(e, input);
          layer.endEntry();
        }
      }
      layer.finish();
    }
  }

  /**
   * Starts the entry {@code e}, whose content {@code content} holds: what is read from the stream
   * returned is copied into this layer as it goes by.
   */
  InputStream entry(TarArchiveEntry e, InputStream content) throws IOException {
    tar.putArchiveEntry(e);
    current = e.isFile() && !e.isLink() ? new Copying(content, tar) : InputStream.nullInputStream();
    return current;
  }

  /** Ends the entry started last, copying what of its content was not read. */
  void endEntry() throws IOException {
    current.transferTo(OutputStream.nullOutputStream());
    tar.closeArchiveEntry();
  }

  /** Ends the tar; the stream it was written to stays open. */
  void finish() throws IOException {
    tar.finish();
    tar.flush();
  }

  /** Reads from the input and writes what it read into the copy; closing it closes neither. */
  private static final class Copying extends InputStream {
    private final InputStream in;
    private final OutputStream copy;

    Copying(InputStream in, OutputStream copy) {
      this.in = in;
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        copy.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        copy.write(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // skipped bytes belong in the copy too
      byte[] buffer = new byte[(int) Math.min(n, 1 << 16)];
      long skipped = 0;
      while (skipped < n) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() {
      // the layer's stream goes on
    }
  }
}
