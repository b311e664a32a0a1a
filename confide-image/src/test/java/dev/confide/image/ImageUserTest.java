package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image's User, as the numbers the policy gives the sandbox: names from the image's own files, never root. */
class ImageUserTest {
  @TempDir Path root;

  @Test
  void namesAndNumbersResolveInTheImage() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345::/home/app:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "root:x:0:\nstaff:x:50:\n");
    assertThat(ImageUser.resolve(root, "app")).isEqualTo("1234:2345");
    assertThat(ImageUser.resolve(root, "app:staff")).isEqualTo("1234:50");
    assertThat(ImageUser.resolve(root, "4321")).isEqualTo("4321:4321");
    assertThat(ImageUser.resolve(root, "1234")).isEqualTo("1234:2345");
    assertThat(ImageUser.resolve(root, "4321:7")).isEqualTo("4321:7");
    assertThat(ImageUser.resolve(root, "")).isNull();
    assertThat(ImageUser.resolve(root, "root")).isNull();
    assertThat(ImageUser.resolve(root, "0:0")).isNull();
    assertThatThrownBy(() -> ImageUser.resolve(root, "ghost"))
        .hasMessage("the image runs as user 'ghost', which its /etc/passwd does not list");
    assertThatThrownBy(() -> ImageUser.resolve(root, "app:nogroup"))
        .hasMessage("the image runs as group 'nogroup', which its /etc/group does not list");
  }
}
