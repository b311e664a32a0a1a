package dev.confide.volume;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a manifest's tree into a private staging folder beside the destination, and moves it
 * into place only when every object has authenticated; on any failure the staging folder is
 * removed and the destination is untouched.
 */
final class Extractor {
  private final VolumeLayout layout;
  private final ObjectCodec codec;
  private final Modes modes;

  Extractor(VolumeLayout layout, ObjectCodec codec, Modes modes) {
    this.layout = layout;
    this.codec = codec;
    this.modes = modes;
  }

  void extract(Manifest manifest, Path dest, Progress progress) {
    Path target = dest.toAbsolutePath().normalize();
    boolean destExists = EmptyTarget.check(target, "destination",
        "name a new or empty directory; Confide never overwrites files");
    Path staging;
    try {
      staging = Files.createTempDirectory(target.getParent(), ".confide-open-");
    } catch (IOException e) {
      throw Io.failure("cannot create a staging folder beside " + target, e);
    }
    boolean done = false;
    progress.start("open", manifest.totalBytes());
    try {
      write(manifest, staging, progress);
      applyDirectoryMetadata(manifest.entries(), staging);
      moveIntoPlace(staging, target, destExists);
      done = true;
    } catch (IOException e) {
      throw Io.failure("cannot write " + target, e);
    } finally {
      progress.finish();
      if (!done) {
        FileTrees.deleteQuietly(staging);
      }
    }
  }

  private void write(Manifest manifest, Path staging, Progress progress) throws IOException {
    Progress shared = new SynchronizedProgress(progress);
    List<Parallel.Task> files = new ArrayList<>();
    // Directories and links first, in manifest order (parents before children); then the files,
    // several at a time.
    for (Entry e : manifest.entries()) {
      switch (e) {
        case Entry.Directory d -> {
          if (!d.path().isEmpty()) {
            Files.createDirectory(staging.resolve(d.path()));
          }
        }
        case Entry.Symlink s -> {
          Path p = staging.resolve(s.path());
          Files.createSymbolicLink(p, Path.of(s.target()));
          setMtime(p, s.mtime());
        }
        case Entry.File f -> { } // written below, one object at a time
      }
    }
    for (List<Entry.File> members : manifest.objects().values()) {
      files.add(() -> {
        Splitter splitter = new Splitter(members, new Splitter.Sinks() {
          @Override
          public WritableByteChannel open(Entry.File file) throws IOException {
            return FileChannel.open(staging.resolve(file.path()), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
          }

          @Override
          public void close(Entry.File file, WritableByteChannel sink) throws IOException {
            sink.close();
            Path p = staging.resolve(file.path());
            Files.setAttribute(p, "unix:mode", modes.apply(file.mode()), LinkOption.NOFOLLOW_LINKS);
            setMtime(p, file.mtime());
          }
        });
        ObjectMembers group = new ObjectMembers(members.getFirst().object(), members);
        codec.open(layout.object(group.ref().id()), group, splitter, shared);
        splitter.finish();
      });
    }
    Parallel.run(files, Parallel.defaultThreads());
  }

  /** Directories last and deepest first, so adding children does not disturb a parent's mtime. */
  private void applyDirectoryMetadata(List<Entry> entries, Path staging) throws IOException {
    for (Entry e : entries.reversed()) {
      if (e instanceof Entry.Directory d) {
        Path p = d.path().isEmpty() ? staging : staging.resolve(d.path());
        Files.setAttribute(p, "unix:mode", modes.apply(d.mode()), LinkOption.NOFOLLOW_LINKS);
        setMtime(p, d.mtime());
      }
    }
  }

  private static void setMtime(Path p, java.time.Instant mtime) throws IOException {
    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(mtime), null, null);
  }

  /**
   * Into a destination that did not exist: one rename. Into an empty one: entry by entry, never
   * replacing a name that appeared there meanwhile (a rename would, silently); then the entries
   * already moved go back, so that the destination keeps only what someone else put there.
   */
  private static void moveIntoPlace(Path staging, Path target, boolean destExists) throws IOException {
    if (!destExists) {
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        throw new VolumeException(Failure.CANNOT_CREATE, "destination " + target
            + " appeared, not empty, while the volume was being opened; nothing of the volume was left in it",
            "open into a new or empty directory that nothing else writes to");
      }
      return;
    }
    var mode = Files.getAttribute(staging, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    var mtime = Files.getLastModifiedTime(staging, LinkOption.NOFOLLOW_LINKS);
    List<Path> moved = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging)) {
      for (Path child : ds) {
        Path into = target.resolve(child.getFileName().toString());
        try {
          Files.move(child, into); // no REPLACE_EXISTING: an existing name is refused
        } catch (FileAlreadyExistsException e) {
          for (Path back : moved.reversed()) {
            Files.move(target.resolve(back.getFileName().toString()), back);
          }
          throw appeared(target, child.getFileName().toString());
        }
        moved.add(child);
      }
    }
    Files.setAttribute(target, "unix:mode", (Integer) mode & 07777, LinkOption.NOFOLLOW_LINKS);
    Files.setLastModifiedTime(target, mtime);
    Files.delete(staging);
  }

  private static VolumeException appeared(Path target, String name) {
    return new VolumeException(Failure.CANNOT_CREATE, "destination " + target + " is no longer empty: " + name
        + " appeared there while the volume was being opened; nothing of the volume was left in it",
        "open into a new or empty directory that nothing else writes to");
  }
}
