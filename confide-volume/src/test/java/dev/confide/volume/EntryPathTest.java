package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The entry-path rules, read in one pass, say of every path what reading it component by component says. */
class EntryPathTest {
  @Test
  void refusals() {
    assertThat(EntryPath.problem("")).isNull();
    assertThat(EntryPath.problem("usr/lib/x")).isNull();
    assertThat(EntryPath.problem("/etc")).isEqualTo("it is absolute");
    assertThat(EntryPath.problem("a/../b")).isEqualTo("it has a '..' component that could leave the destination");
    assertThat(EntryPath.problem("a//b")).isEqualTo("it has a '' component that could leave the destination");
    assertThat(EntryPath.problem("a/b/")).isEqualTo("it has a '' component that could leave the destination");
    assertThat(EntryPath.problem("a\0b")).isEqualTo("it contains a NUL byte");
    assertThat(EntryPath.problem("x".repeat(4096))).isNull();
    assertThat(EntryPath.problem("x".repeat(4097))).isEqualTo("it is longer than 4096 bytes");
    // 2,049 two-byte characters: 4,098 bytes
    assertThat(EntryPath.problem("\u00e9".repeat(2049))).isEqualTo("it is longer than 4096 bytes");
    assertThat(EntryPath.problem("..x/.y/...")).isNull();
  }

  /** Every path of up to six characters from the ones that matter, against the component-by-component reading. */
  @Test
  void everyShortPathAsTheComponentsSay() {
    List<String> paths = dev.confide.testing.ShortStrings.upTo(6, 'a', '.', '/', '\0', '\u00e9');
    for (String p : paths) {
      assertThat(EntryPath.problem(p)).as(p).isEqualTo(byComponents(p));
    }
  }

  private static String byComponents(String path) {
    if (path.isEmpty()) {
      return null;
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > EntryPath.MAX_BYTES) {
      return "it is longer than " + EntryPath.MAX_BYTES + " bytes";
    }
    if (path.startsWith("/")) {
      return "it is absolute";
    }
    if (path.indexOf('\0') >= 0) {
      return "it contains a NUL byte";
    }
    for (String component : path.split("/", -1)) {
      if (component.isEmpty() || component.equals(".") || component.equals("..")) {
        return "it has a '" + component + "' component that could leave the destination";
      }
    }
    return null;
  }
}
