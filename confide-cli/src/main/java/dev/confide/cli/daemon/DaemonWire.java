package dev.confide.cli.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's protocol on its socket. The client sends one request (magic, kind, build; for a
 * command also its directory, environment, start time and words), later perhaps one
 * {@link #CANCEL} byte; the daemon answers with frames: output, error output, and last the exit
 * code, or a refusal.
 */
public final class DaemonWire {
  static final int MAGIC = 0x43464431; // "CFD1"
  static final int MAX_STRING = 1 << 20;
  /** Client to daemon, after the request: stop the command (Ctrl-C). */
  static final int CANCEL = 1;

  /** Frame kinds, daemon to client. */
  static final int OUT = 1;
  static final int ERR = 2;
  static final int EXIT = 3;
  static final int REFUSED = 4;

  private DaemonWire() {}

  enum Kind { COMMAND, STATUS, STOP }

  /**
   * What a client asks for; {@code cwd}, {@code env}, {@code launchedAtMillis}, {@code terminal}
   * (whether the client runs at a terminal: progress bars) and {@code args} only for a command.
   */
  record Request(Kind kind, String build, String cwd, Map<String, String> env, long launchedAtMillis, boolean terminal,
      List<String> args) {
    static Request of(Kind kind, String build) {
      return new Request(kind, build, "/", Map.of(), 0, false, List.of());
    }

    void write(DataOutputStream out) throws IOException {
      out.writeInt(MAGIC);
      out.writeByte(kind.ordinal());
      string(out, build);
      string(out, cwd);
      out.writeInt(env.size());
      for (Map.Entry<String, String> e : env.entrySet()) {
        string(out, e.getKey());
        string(out, e.getValue());
      }
      out.writeLong(launchedAtMillis);
      out.writeBoolean(terminal);
      out.writeInt(args.size());
      for (String a : args) {
        string(out, a);
      }
      out.flush();
    }

    static Request read(DataInputStream in) throws IOException {
      if (in.readInt() != MAGIC) {
        throw new IOException("not a confide daemon request");
      }
      int k = in.readUnsignedByte();
      if (k >= Kind.values().length) {
        throw new IOException("unknown request kind " + k);
      }
      String build = string(in);
      String cwd = string(in);
      Map<String, String> env = new LinkedHashMap<>();
      for (int i = count(in); i > 0; i--) {
        env.put(string(in), string(in));
      }
      long launched = in.readLong();
      boolean terminal = in.readBoolean();
      List<String> args = new ArrayList<>();
      for (int i = count(in); i > 0; i--) {
        args.add(string(in));
      }
      return new Request(Kind.values()[k], build, cwd, env, launched, terminal, args);
    }
  }

  /** Frames from the daemon; writes from several threads never interleave. */
  static final class Frames {
    private final DataOutputStream out;

    Frames(DataOutputStream out) {
      this.out = out;
    }

    synchronized void data(int kind, byte[] b, int off, int len) throws IOException {
      out.writeByte(kind);
      out.writeInt(len);
      out.write(b, off, len);
      out.flush();
    }

    synchronized void exit(int code) throws IOException {
      out.writeByte(EXIT);
      out.writeInt(code);
      out.flush();
    }

    synchronized void refuse(String why) throws IOException {
      out.writeByte(REFUSED);
      string(out, why);
      out.flush();
    }

    /** A stream whose writes become frames of {@code kind}. */
    OutputStream stream(int kind) {
      return DaemonWire.stream((b, off, len) -> {
        if (len > 0) {
          data(kind, b, off, len);
        }
      });
    }
  }

  /** Where bytes go, as the one method an {@link OutputStream} needs. */
  interface Sink {
    void write(byte[] b, int off, int len) throws IOException;
  }

  static OutputStream stream(Sink sink) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        sink.write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        sink.write(b, off, len);
      }
    };
  }

  static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_STRING) {
      throw new IOException("a request string is longer than " + MAX_STRING + " bytes");
    }
    out.writeInt(b.length);
    out.write(b);
  }

  static String string(DataInputStream in) throws IOException {
    return new String(in.readNBytes(length(in)), StandardCharsets.UTF_8);
  }

  private static int length(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_STRING) {
      throw new IOException("a request string of " + n + " bytes");
    }
    return n;
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 100_000) {
      throw new IOException("a request list of " + n + " entries");
    }
    return n;
  }

  /**
   * A socket's reading side as a stream. Not {@code Channels.newInputStream}: its streams take the
   * channel's blocking lock, so a read waiting for CANCEL would hold up every output frame.
   */
  static java.io.InputStream input(java.nio.channels.SocketChannel channel) {
    return new java.io.InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return len == 0 ? 0 : channel.read(java.nio.ByteBuffer.wrap(b, off, len));
      }
    };
  }

  /** A socket's writing side as a stream (see {@link #input}). */
  static OutputStream output(java.nio.channels.SocketChannel channel) {
    return stream((b, off, len) -> {
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, off, len);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    });
  }

  /** Reads exactly {@code n} bytes, or fails: a frame cut short means the daemon went away. */
  static byte[] bytes(DataInputStream in, int n) throws IOException {
    if (n < 0 || n > 64 << 20) {
      throw new IOException("a frame of " + n + " bytes");
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("the daemon's frame ended early");
    }
    return b;
  }
}
