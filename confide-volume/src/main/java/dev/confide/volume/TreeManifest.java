package dev.confide.volume;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The manifest of an authenticated (plaintext, integrity-checked) tree: every entry with its
 * kind and mode, and for files the size and a SHA-256 per chunk, so part of a large file can be
 * checked without reading all of it. The file ends with HMAC-SHA256 under a key derived from the
 * tree key (docs/volume-format.md, "Authenticated trees").
 */
record TreeManifest(int chunkSize, List<Item> items) {
  static final byte[] MAGIC = {'C', 'F', 'D', 'T', 'R', 'E', 'E', '1'};
  static final String MAC_INFO = "confide tree v1 mac";
  static final int MAC_LENGTH = 32;

  TreeManifest {
    items = List.copyOf(items);
  }

  sealed interface Item permits Dir, FileItem, Link {
    String path();

    int mode();
  }

  record Dir(String path, int mode) implements Item {}

  record FileItem(String path, int mode, long size, List<byte[]> chunkHashes) implements Item {
    FileItem {
      chunkHashes = List.copyOf(chunkHashes);
    }
  }

  record Link(String path, int mode, String target) implements Item {}

  byte[] toFile(SymmetricKey key) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(chunkSize);
      out.writeInt(items.size());
      for (Item item : items) {
        out.writeByte(switch (item) {
          case Dir d -> ManifestCodec.KIND_DIRECTORY;
          case FileItem f -> ManifestCodec.KIND_FILE;
          case Link l -> ManifestCodec.KIND_SYMLINK;
        });
        writeString(out, item.path());
        out.writeInt(item.mode());
        switch (item) {
          case Dir d -> { }
          case FileItem f -> {
            out.writeLong(f.size());
            out.writeInt(f.chunkHashes().size());
            for (byte[] h : f.chunkHashes()) {
              out.write(h);
            }
          }
          case Link l -> writeString(out, l.target());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] body = bytes.toByteArray();
    byte[] mac = mac(key, body);
    byte[] file = Arrays.copyOf(body, body.length + MAC_LENGTH);
    System.arraycopy(mac, 0, file, body.length, MAC_LENGTH);
    return file;
  }

  /** Checks the MAC, then decodes; a MAC failure is a wrong key (the tag already matched). */
  static TreeManifest fromFile(byte[] file, SymmetricKey key, String name) {
    if (file.length < MAGIC.length + MAC_LENGTH || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new VolumeException(Failure.INTEGRITY, name + " is not a tree manifest (bad magic)",
          "pass the manifest that 'tree authenticate' wrote");
    }
    byte[] body = Arrays.copyOf(file, file.length - MAC_LENGTH);
    byte[] mac = Arrays.copyOfRange(file, file.length - MAC_LENGTH, file.length);
    if (!MessageDigest.isEqual(mac, mac(key, body))) {
      throw new VolumeException(Failure.DENIED, name + ": MAC check failed — the key does not belong to this tree",
          "pass the key file that 'tree authenticate' wrote for this tree");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body, MAGIC.length,
        body.length - MAGIC.length))) {
      int chunkSize = in.readInt();
      int count = in.readInt();
      if (chunkSize < 1024 || count < 1) {
        throw malformed(name, "chunk size or entry count out of range");
      }
      List<Item> items = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int kind = in.readUnsignedByte();
        String path = readString(in);
        if (EntryPath.problem(path) != null) {
          throw malformed(name, "entry '" + path + "' is not a valid path");
        }
        int mode = in.readInt();
        items.add(switch (kind) {
          case ManifestCodec.KIND_DIRECTORY -> new Dir(path, mode);
          case ManifestCodec.KIND_FILE -> {
            long size = in.readLong();
            int n = in.readInt();
            if (n != chunks(size, chunkSize)) {
              throw malformed(name, "entry '" + path + "' has the wrong number of chunk hashes");
            }
            List<byte[]> hashes = new ArrayList<>(n);
            for (int c = 0; c < n; c++) {
              hashes.add(in.readNBytes(32));
            }
            yield new FileItem(path, mode, size, hashes);
          }
          case ManifestCodec.KIND_SYMLINK -> new Link(path, mode, readString(in));
          default -> throw malformed(name, "unknown entry kind " + kind);
        });
      }
      if (in.read() != -1) {
        throw malformed(name, "bytes follow the last entry");
      }
      return new TreeManifest(chunkSize, items);
    } catch (EOFException e) {
      throw malformed(name, "it ends in the middle of an entry");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int chunks(long size, int chunkSize) {
    return (int) Math.max(1, (size + chunkSize - 1) / chunkSize);
  }

  private static byte[] mac(SymmetricKey key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(VolumeKeys.hkdf(key.copyBytes(), new byte[0], MAC_INFO), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HMAC-SHA256", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
  }

  private static VolumeException malformed(String name, String why) {
    return new VolumeException(Failure.INTEGRITY, name + " is malformed: " + why,
        "restore the tree and its manifest from a trusted copy");
  }
}
