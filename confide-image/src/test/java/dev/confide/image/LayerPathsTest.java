package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A layer entry's name as a path inside the root: the quick path for usual names gives what the part-by-part reading gives. */
class LayerPathsTest {
  @Test
  void usualNames() {
    assertThat(LayerPaths.normalize("./usr/lib/x")).isEqualTo("usr/lib/x");
    assertThat(LayerPaths.normalize("usr/lib/")).isEqualTo("usr/lib");
    assertThat(LayerPaths.normalize("/usr//bin/./tool")).isEqualTo("usr/bin/tool");
    assertThat(LayerPaths.normalize("./")).isEmpty();
    assertThat(LayerPaths.normalize("usr/.wh..wh..opq")).isEqualTo("usr/.wh..wh..opq");
    assertThat(LayerPaths.normalize("usr/..x/...")).isEqualTo("usr/..x/...");
    assertThat(LayerPaths.normalize("./usr/../../etc")).isNull();
    assertThat(LayerPaths.normalize("usr\\..\\x")).isNull();
  }

  /** Every name of up to six characters from the ones that matter, against the reading part by part. */
  @Test
  void everyShortNameReadsAsItsParts() {
    List<String> names = dev.confide.testing.ShortStrings.upTo(6, 'a', '.', '/', '\\');
    for (String name : names) {
      assertThat(LayerPaths.normalize(name)).as(name).isEqualTo(byParts(name));
    }
  }

  private static String byParts(String name) {
    List<String> parts = new ArrayList<>();
    for (String part : name.replace('\\', '/').split("/")) {
      if (part.equals("..")) {
        return null;
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return String.join("/", parts);
  }
}
