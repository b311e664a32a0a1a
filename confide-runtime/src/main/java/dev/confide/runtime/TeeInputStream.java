package dev.confide.runtime;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copies every byte read from a stream into another: the program's output into its log. */
final class TeeInputStream extends FilterInputStream {
  private final OutputStream copy;

  TeeInputStream(InputStream in, OutputStream copy) {
    super(in);
    this.copy = copy;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      copy.write(b);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      copy.write(buf, off, n);
    }
    return n;
  }
}
