package dev.confide.cas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import org.junit.jupiter.api.Test;

/** Keys and tags on the wire: hex only in the serialiser, typed everywhere else, malformed ones refused. */
class WireTypesTest {
  private final ObjectMapper json = JsonMapper.builder().addModule(WireTypes.module()).build();

  @Test
  void tagsAndKeysAreHexOnTheWireAndTypedInRecords() throws Exception {
    Tag a = new Tag("a".repeat(64));
    assertThat(json.writeValueAsString(new TagSwap(null, a))).isEqualTo("{\"old_tag\":null,\"new_tag\":\"" + a.hex() + "\"}");
    assertThat(json.readValue("{\"old_tag\":\"" + a.hex() + "\",\"new_tag\":\"" + "b".repeat(64) + "\"}", TagSwap.class))
        .isEqualTo(new TagSwap(a, new Tag("b".repeat(64))));
    SymmetricKey key = SymmetricKey.generate();
    var mount = new RunConfiguration.Mount("V", "/v", key, a, "rollback_protected", false);
    String text = json.writeValueAsString(mount);
    assertThat(text).contains("\"key\":\"" + java.util.HexFormat.of().formatHex(key.copyBytes()) + "\"");
    var back = json.readValue(text, RunConfiguration.Mount.class);
    assertThat(back.key().copyBytes()).isEqualTo(key.copyBytes());
    assertThat(back.tag()).isEqualTo(a);
  }

  @Test
  void aMalformedTagIsRefusedAndAMalformedKeyIsNeverEchoed() {
    for (String bad : new String[] {"short", "A".repeat(64), "g".repeat(64), "a".repeat(65)}) {
      assertThatThrownBy(() -> json.readValue("{\"old_tag\":null,\"new_tag\":\"" + bad + "\"}", TagSwap.class))
          .isInstanceOf(InvalidFormatException.class).hasMessageContaining("tags are 64 lower-case hex digits");
    }
    String secretish = "0123456789abcdef".repeat(3) + "zz";
    assertThatThrownBy(() -> json.readValue("{\"volume\":\"V\",\"path\":\"/v\",\"key\":\"" + secretish + "\"}",
        RunConfiguration.Mount.class)).isInstanceOf(InvalidFormatException.class)
        .hasMessageContaining("keys are 64 hex digits").hasMessageNotContaining(secretish).hasMessageNotContaining("0123456789abcdef");
  }
}
