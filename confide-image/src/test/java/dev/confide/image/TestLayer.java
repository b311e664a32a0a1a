package dev.confide.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** A layer's entries, written as a container engine's tar (owned by root unless an entry says otherwise). */
final class TestLayer {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

  TestLayer() {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  TestLayer dir(String name, int mode) throws IOException {
    return dir(name, mode, 0, 0);
  }

  TestLayer dir(String name, int mode, int uid, int gid) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
    e.setMode(040000 | mode);
    return put(e, uid, gid, new byte[0]);
  }

  TestLayer file(String name, int mode, byte[] content) throws IOException {
    return file(name, mode, 0, 0, content);
  }

  TestLayer file(String name, int mode, String content) throws IOException {
    return file(name, mode, content.getBytes(StandardCharsets.UTF_8));
  }

  TestLayer file(String name, int mode, int uid, int gid, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
    e.setMode(0100000 | mode);
    e.setSize(content.length);
    return put(e, uid, gid, content);
  }

  /** A symbolic link ({@link TarConstants#LF_SYMLINK}) or a hard link ({@link TarConstants#LF_LINK}). */
  TestLayer link(String name, String target, byte type) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setLinkName(target);
    e.setMode(type == TarConstants.LF_SYMLINK ? 0120777 : 0100644);
    return put(e, 0, 0, new byte[0]);
  }

  private TestLayer put(TarArchiveEntry e, int uid, int gid, byte[] content) throws IOException {
    e.setUserId(uid);
    e.setGroupId(gid);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
    return this;
  }

  byte[] done() throws IOException {
    tar.finish();
    return bytes.toByteArray();
  }
}
