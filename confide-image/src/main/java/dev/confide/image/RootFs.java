package dev.confide.image;

import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image's file system unpacked into a folder, layer over layer as a container engine does it:
 * a {@code .wh.NAME} entry deletes NAME of the layers below, {@code .wh..wh..opq} empties its
 * directory of them. An entry naming {@code ..} is refused; a path through one of the image's links
 * is followed inside the folder ({@link ChrootPaths}), never out of it. Device files and FIFOs are left out (the engine makes /dev).
 * Directories' modes are set last, so that a read-only directory can still be filled.
 */
final class RootFs {
  private final Path root;
  private final Map<Path, Integer> directoryModes = new LinkedHashMap<>();
  private final byte[] copyBuffer = new byte[1 << 20];
  /**
   * Folders known to exist, by image path, as they resolved: forgotten whenever something that
   * could be a link or folder on the way to them is deleted or a link is made.
   */
  private final Map<String, Folder> folders = new java.util.HashMap<>();

  /** A folder as it resolved: where it is, and its path inside the root as an image names it. */
  private record Folder(Path path, String relative) {
    /** The path inside the root of {@code name} in this folder. */
    String child(String name) {
      return relative.isEmpty() ? name : relative + "/" + name;
    }
  }
  private final boolean root_;
  private final Authenticating authenticating;

  /**
   * The group what this process makes belongs to, unless a set-group-ID folder passes its own on:
   * the new root's group, when the root does not pass one on itself (-1: not known).
   */
  private final int madeGroup;

  private RootFs(Path root, Authenticating authenticating) throws IOException {
    this.root = root;
    this.root_ = "root".equals(System.getProperty("user.name"));
    this.authenticating = authenticating;
    Map<String, Object> rootAttributes = Files.readAttributes(root, "unix:mode,gid", LinkOption.NOFOLLOW_LINKS);
    this.madeGroup = ((Integer) rootAttributes.get("mode") & 02000) != 0 ? -1 : (Integer) rootAttributes.get("gid");
  }

  /**
   * The authenticated regions, recorded while unpacking: each entry inside one goes to
   * {@code tree}, and a regular file there is not written at all unless something reads it later
   * (an executable, which may be the command; a file inside an encrypted directory, which is
   * sealed; {@code keep}: /etc/passwd and /etc/group). What stays on disk is what the conversion
   * reads; the tree is what the container will hold.
   */
  record Authenticating(dev.confide.volume.TreeBuilder tree, List<String> regions, List<String> encrypted, java.util.Set<String> keep) {
    boolean covers(String path) {
      for (String r : regions) {
        if (path.equals(r) || LayerPaths.inside(path, r)) {
          return true;
        }
      }
      return false;
    }

    /** Whether a regular file of {@code mode} at {@code path} is only recorded, not written. */
    boolean recordsOnly(String path, int mode) {
      if ((mode & 0111) != 0 || keep.contains(path) || !covers(path)) {
        return false;
      }
      for (String e : encrypted) {
        if (LayerPaths.inside(path, e)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * A layer links to a file that was recorded and not written, from a place outside the
   * authenticated regions, which needs it on disk: the image is unpacked again, writing every file.
   */
  static final class WholeUnpackNeeded extends RuntimeException {
    WholeUnpackNeeded(String path) {
      super("a hard link at " + path + " needs a file that was not unpacked", null, false, false);
    }
  }

  /**
   * What unpacking learnt of a layer: whether it has entries inside an encrypted directory (then
   * the output holds it filtered), and that filtered copy when it was written beside the unpacking
   * (null: it is still to be made, or the layer is copied as it is).
   */
  record LayerFacts(boolean holdsEncrypted, Blob filtered) {}

  /**
   * Unpacks every layer of {@code image} into {@code into} (an empty folder), noting of each layer
   * whether it holds entries inside {@code encrypted} (relative image paths).
   */
  static List<LayerFacts> unpack(ImageArchive image, Path into, List<String> encrypted, Progress progress) throws IOException {
    return unpack(image, into, encrypted, progress, null, null, n -> false);
  }

  /**
   * As {@link #unpack(ImageArchive, Path, List, Progress)}, recording the authenticated regions as
   * {@code authenticating} says (null: none; every file is written), and writing into {@code archive}
   * the filtered copy of each layer {@code filterNow} names (by its index) as it goes by, so that the
   * layer is read once; such a copy is kept only when the layer did hold an encrypted entry.
   *
   * @throws WholeUnpackNeeded when the image needs every file on disk after all
   */
  static List<LayerFacts> unpack(ImageArchive image, Path into, List<String> encrypted, Progress progress,
      Authenticating authenticating, OciArchive archive, java.util.function.IntPredicate filterNow) throws IOException {
    RootFs fs = new RootFs(into, authenticating);
    List<LayerFacts> facts = new ArrayList<>();
    int n = 0;
    for (ImageArchive.Layer layer : image.layers()) {
      progress.step("unpacking layer " + (++n) + " of " + image.layers().size());
      try {
        if (archive != null && filterNow.test(n - 1)) {
          boolean[] holds = new boolean[1];
          Blob filtered = archive.blob(out -> holds[0] = fs.unpackLayer(image, layer, encrypted, new FilteredLayer(out)));
          if (!holds[0]) {
            archive.drop(filtered);
          }
          facts.add(new LayerFacts(holds[0], holds[0] ? filtered : null));
        } else {
          facts.add(new LayerFacts(fs.unpackLayer(image, layer, encrypted, null), null));
        }
      } catch (IOException e) {
        throw new ImageException(ExitCodes.DATA, "layer " + n + " of " + image.file() + " cannot be read: " + e.getMessage(),
            "check the image tarball: save it again");
      }
    }
    List<Map.Entry<Path, Integer>> dirs = new ArrayList<>(fs.directoryModes.entrySet());
    fs.setDirectoryModes(dirs);
    return facts;
  }

  /**
   * Applies one layer; {@code copy} (null: none) receives every entry outside {@code encrypted}.
   * Whether the layer holds an entry inside {@code encrypted}.
   */
  private boolean unpackLayer(ImageArchive image, ImageArchive.Layer layer, List<String> encrypted, FilteredLayer copy)
      throws IOException {
    boolean holds = false;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(image.uncompressed(layer))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        boolean inside = ImageConverter.insideAny(e.getName(), encrypted);
        holds |= inside;
        if (copy == null || inside) {
          apply(e, tar);
        } else {
          apply(e, copy.entry(e, tar));
          copy.endEntry();
        }
      }
      if (copy != null) {
        copy.finish();
      }
    }
    return holds;
  }

  private void setDirectoryModes(List<Map.Entry<Path, Integer>> dirs) throws IOException {
    for (int i = dirs.size() - 1; i >= 0; i--) {
      Path dir = dirs.get(i).getKey();
      int mode = dirs.get(i).getValue();
      // made with 0700 added: most folders (0755) have their mode already
      if ((mode & 0700) != 0700 && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.setAttribute(dir, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /** What the unpacking is doing, for a progress line. */
  interface Progress {
    Progress NONE = step -> { };

    void step(String what);
  }

  private void apply(TarArchiveEntry e, InputStream content) throws IOException {
    String path = LayerPaths.normalize(e.getName());
    if (path == null) {
      throw new ImageException(ExitCodes.DATA, "a layer's entry " + e.getName() + " leaves the image's root",
          "the image is malformed or hostile; do not use it");
    }
    if (path.isEmpty()) {
      return;
    }
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash);
    String name = path.substring(slash + 1);
    if (name.equals(LayerPaths.OPAQUE) || name.startsWith(LayerPaths.WHITEOUT)) {
      // what is deleted may be a folder or link on the way to others
      folders.clear();
    }
    Folder folder = inside(parent);
    Path dir = folder.path();
    if (name.equals(LayerPaths.OPAQUE)) {
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
          for (Path c : children) {
            delete(c);
          }
        }
      }
      if (authenticating != null) {
        authenticating.tree().clear(folder.relative());
      }
      return;
    }
    if (name.startsWith(LayerPaths.WHITEOUT)) {
      Path gone = dir.resolve(name.substring(LayerPaths.WHITEOUT.length()));
      delete(gone);
      if (authenticating != null) {
        authenticating.tree().remove(relative(gone));
      }
      return;
    }
    folder(parent, folder);
    Path target = dir.resolve(name);
    String at = folder.child(name);
    boolean recorded = authenticating != null && authenticating.covers(at);
    int mode = e.getMode() & 07777;
    // one system call for what most entries are: new (a layer of thousands of entries paid two or three each)
    if (e.isDirectory()) {
      boolean made = makeDirectory(target);
      owner(target, e, made, dir);
      Files.setAttribute(target, "unix:mode", 0700 | mode);
      directoryModes.put(target, mode);
      if (recorded) {
        authenticating.tree().directory(at, mode);
      }
      return;
    }
    if (!(e.isFile() || e.isSymbolicLink() || e.isLink())) {
      return; // devices and FIFOs: the engine makes /dev
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      // what goes may be a folder or link on the way to others
      folders.clear();
      delete(target);
    }
    if (e.isSymbolicLink()) {
      // a link may now stand on the way to a folder resolved before
      folders.clear();
      Files.createSymbolicLink(target, Path.of(e.getLinkName()));
      owner(target, e, true, dir);
      if (recorded) {
        authenticating.tree().link(at, e.getLinkName());
      }
      return;
    }
    if (e.isLink()) {
      String to = LayerPaths.normalize(e.getLinkName());
      if (to == null || to.isEmpty()) {
        throw new ImageException(ExitCodes.DATA, "a layer's hard link " + e.getName() + " points out of the image's root",
            "the image is malformed or hostile; do not use it");
      }
      Path source = ChrootPaths.resolve(root, to, true);
      if (authenticating != null && !Files.exists(source, LinkOption.NOFOLLOW_LINKS)
          && authenticating.tree().holdsFile(relative(source))) {
        // the file it links to was recorded, not written
        if (!recorded) {
          throw new WholeUnpackNeeded(at);
        }
        authenticating.tree().hardLink(at, relative(source));
        return;
      }
      if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
        throw new ImageException(ExitCodes.DATA, "a layer's hard link " + e.getName() + " points to " + to + ", which it lacks",
            "the image is malformed; save it again");
      }
      try {
        Files.createLink(target, source);
      } catch (FileAlreadyExistsException ex) {
        throw ex;
      } catch (IOException | UnsupportedOperationException ex) {
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
      if (recorded) {
        try (InputStream written = Files.newInputStream(target)) {
          authenticating.tree().file(at, (Integer) Files.getAttribute(target, "unix:mode", LinkOption.NOFOLLOW_LINKS), written);
        }
      }
      return;
    }
    if (recorded && authenticating.recordsOnly(at, mode)) {
      authenticating.tree().file(at, mode, content);
      return;
    }
    try (java.io.OutputStream out = Files.newOutputStream(target, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      // a megabyte at a time: Files.copy's 16 KiB cost a 100 MB folder 12,000 system calls
      for (int n; (n = content.read(copyBuffer)) > 0; ) {
        out.write(copyBuffer, 0, n);
      }
    }
    // the owner before the mode: changing a file's owner clears its setuid and setgid bits
    owner(target, e, true, dir);
    Files.setAttribute(target, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    Files.setLastModifiedTime(target, FileTime.from(e.getLastModifiedDate().toInstant()));
    if (recorded) {
      try (InputStream written = Files.newInputStream(target)) {
        authenticating.tree().file(at, mode, written);
      }
    }
  }

  /** {@code p}'s path inside the root, as an image names it (no leading '/'). */
  private String relative(Path p) {
    return root.relativize(p).toString();
  }

  /**
   * Makes sure the folder {@code dir} (the image path {@code parent}, resolved) exists, making it
   * and the folders above it as an engine would ({@link #createParents}); remembered, so that the
   * thousands of entries of one folder cost no look-up each.
   */
  private void folder(String parent, Folder dir) throws IOException {
    if (folders.get(parent) != dir) {
      createParents(dir.path());
      folders.put(parent, dir);
    }
  }

  /**
   * Makes the directory {@code target} unless one is there; whether it made it. Whatever else is
   * there (a file, a link) is removed first.
   */
  private boolean makeDirectory(Path target) throws IOException {
    try {
      Files.createDirectory(target);
      return true;
    } catch (FileAlreadyExistsException taken) {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      folders.clear();
      delete(target);
      Files.createDirectory(target);
      return true;
    }
  }

  /**
   * The folders above an entry that no entry made, as a container engine makes them: 0755, owned
   * by root; recorded when they lie in an authenticated region.
   */
  private void createParents(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path at = root;
    for (Path name : root.relativize(dir)) {
      at = at.resolve(name);
      if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(at);
        Files.setAttribute(at, "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);
        if (authenticating != null && authenticating.covers(relative(at))) {
          authenticating.tree().directory(relative(at), 0755);
        }
      }
    }
  }

  /**
   * The entry's owner, where this process may set it (as root). What this process has just
   * {@code made} is root's already, and of {@link #madeGroup} unless {@code dir} (its folder, all
   * of whose modes this unpacking set) passes its own group on: those are not set again (two
   * system calls for each of thousands of entries).
   */
  private void owner(Path target, TarArchiveEntry e, boolean made, Path dir) throws IOException {
    if (!root_) {
      return;
    }
    int uid = (int) e.getLongUserId();
    int gid = (int) e.getLongGroupId();
    if (!made || uid != 0) {
      Files.setAttribute(target, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }
    if (!made || gid != madeGroup || (directoryModes.getOrDefault(dir, 0) & 02000) != 0) {
      Files.setAttribute(target, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /**
   * The folder at {@code relative} inside the root, following the image's links as the container
   * would; a folder made or seen before is taken from {@link #folders}.
   */
  private Folder inside(String relative) {
    Folder known = folders.get(relative);
    if (known != null) {
      return known;
    }
    Path dir = ChrootPaths.resolve(root, relative, true);
    return new Folder(dir, relative(dir));
  }

  private static void delete(Path p) throws IOException {
    DeleteTree.of(p);
  }
}
