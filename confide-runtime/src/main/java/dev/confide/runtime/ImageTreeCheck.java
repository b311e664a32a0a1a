package dev.confide.runtime;

import dev.confide.cas.api.RunConfiguration.ImageTree;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.TreeVerifier;
import dev.confide.volume.VolumeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks the service's authenticated tree before the program starts: the directory holding the
 * manifest ({@code fspf_path}, as {@code confide tree authenticate DIR} writes DIR/.confide-tree)
 * must be exactly what was authenticated under {@code fspf_key} at {@code fspf_tag} (a converted
 * image's manifest, {@code /.confide-tree}, covers the image's authenticated directories). A tree
 * outside the system directories is bound into the sandbox read-only at the same path.
 */
final class ImageTreeCheck {
  private ImageTreeCheck() {}

  static List<Sandbox.Bind> verify(ImageTree tree, SecretSubstitution secrets) {
    Path manifest = Path.of(tree.manifest());
    Path dir = manifest.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "the service's authenticated tree " + dir + " is missing",
          "install the application there, or fix the session's fspf_path");
    }
    String keyHex = secrets.apply(tree.key(), "fspf_key");
    SymmetricKey key;
    try {
      key = SymmetricKey.of(HexFormat.of().parseHex(keyHex));
    } catch (IllegalArgumentException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "the service's fspf_key is not 64 hex digits",
          "give the key 'confide tree authenticate' wrote, or a secret holding it with :hex");
    }
    try {
      TreeVerifier.load(dir, key, Tag.parse(tree.tag()), manifest).verifyAll(manifest);
    } catch (VolumeException e) {
      throw new VolumeException(e.failure(), "the service's authenticated tree " + dir + ": " + e.getMessage(), e.hint(), e);
    }
    if (dir.getParent() == null || dev.confide.policy.Image.hostSystemDirectoryOf(dir.toString()) != null) {
      // bound read-only with the system already; a converted image's tree (at its root) with the container's root
      return List.of();
    }
    return List.of(new Sandbox.Bind(dir, dir.toString(), false));
  }
}
