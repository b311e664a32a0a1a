package dev.confide.volume;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The plaintext encoding of a {@link Manifest} (docs/volume-format.md, "Manifest plaintext"):
 * big-endian, length-prefixed, no optional fields, trailing bytes refused.
 */
final class ManifestCodec {
  static final byte[] MAGIC = {'C', 'F', 'D', 'M'};
  static final int VERSION = 1;
  static final int KIND_DIRECTORY = 1;
  static final int KIND_FILE = 2;
  static final int KIND_SYMLINK = 3;
  private static final int MAX_ENTRIES = 50_000_000;

  private ManifestCodec() {}

  static byte[] encode(Manifest m) {
    return encode(m.generation(), m.volumeId(), m.segmentSize(), m.entries());
  }

  /** Encodes without validating the entries; {@link Manifest} validates on decode. */
  static byte[] encode(long generation, VolumeId volumeId, int segmentSize, List<Entry> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 128 * entries.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(VERSION);
      out.writeLong(generation);
      out.write(volumeId.bytes());
      out.writeInt(segmentSize);
      out.writeInt(entries.size());
      for (Entry e : entries) {
        switch (e) {
          case Entry.Directory d -> out.writeByte(KIND_DIRECTORY);
          case Entry.File f -> out.writeByte(KIND_FILE);
          case Entry.Symlink s -> out.writeByte(KIND_SYMLINK);
        }
        writeString(out, e.path());
        out.writeInt(e.mode());
        out.writeLong(e.mtime().getEpochSecond());
        out.writeInt(e.mtime().getNano());
        switch (e) {
          case Entry.Directory d -> { }
          case Entry.File f -> {
            ObjectRef o = f.object();
            out.writeLong(f.size());
            out.write(o.id().bytes());
            byte[] header = o.header();
            out.writeByte(header.length);
            out.write(header);
            out.writeLong(o.ciphertextSize());
            out.writeLong(o.paddedSize());
            out.writeLong(f.offset());
          }
          case Entry.Symlink s -> writeString(out, s.target());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }

  /** Decodes authenticated plaintext; structural problems are integrity failures. */
  static Manifest decode(byte[] plaintext) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext))) {
      byte[] magic = in.readNBytes(4);
      if (!java.util.Arrays.equals(magic, MAGIC) || in.readUnsignedByte() != VERSION) {
        throw malformed("unknown magic or version");
      }
      long generation = in.readLong();
      VolumeId id = new VolumeId(HexFormat.of().formatHex(readExactly(in, 16)));
      int segmentSize = in.readInt();
      int count = in.readInt();
      if (count < 1 || count > MAX_ENTRIES) {
        throw malformed("entry count " + count + " is out of range");
      }
      List<Entry> entries = new ArrayList<>(Math.min(count, 1 << 16));
      for (int i = 0; i < count; i++) {
        entries.add(readEntry(in));
      }
      if (in.read() != -1) {
        throw malformed("bytes follow the last entry");
      }
      return new Manifest(generation, id, segmentSize, entries);
    } catch (EOFException e) {
      throw malformed("it ends in the middle of an entry");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Entry readEntry(DataInputStream in) throws IOException {
    int kind = in.readUnsignedByte();
    String path = readString(in);
    int mode = in.readInt();
    long seconds = in.readLong();
    int nanos = in.readInt();
    if (nanos < 0 || nanos > 999_999_999) {
      throw malformed("entry '" + path + "' has an invalid timestamp");
    }
    Instant mtime = Instant.ofEpochSecond(seconds, nanos);
    return switch (kind) {
      case KIND_DIRECTORY -> new Entry.Directory(path, mode, mtime);
      case KIND_FILE -> {
        long size = in.readLong();
        ObjectId objectId = new ObjectId(HexFormat.of().formatHex(readExactly(in, 16)));
        byte[] header = readExactly(in, in.readUnsignedByte());
        long ciphertextSize = in.readLong();
        long paddedSize = in.readLong();
        long offset = in.readLong();
        if (size < 0 || offset < 0 || paddedSize < 0 || offset > paddedSize || size > paddedSize - offset
            || ciphertextSize < paddedSize) {
          throw malformed("entry '" + path + "' has inconsistent sizes");
        }
        yield new Entry.File(path, mode, mtime, size,
            new ObjectRef(objectId, header, ciphertextSize, paddedSize), offset);
      }
      case KIND_SYMLINK -> new Entry.Symlink(path, mode, mtime, readString(in));
      default -> throw malformed("entry '" + path + "' has unknown kind " + kind);
    };
  }

  private static byte[] readExactly(DataInputStream in, int n) throws IOException {
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = readExactly(in, in.readUnsignedShort());
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw malformed("a name is not valid UTF-8");
    }
  }

  private static VolumeException malformed(String why) {
    return new VolumeException(Failure.INTEGRITY, "the manifest is malformed: " + why,
        "the volume was crafted or corrupted; restore it from a trusted copy");
  }
}
