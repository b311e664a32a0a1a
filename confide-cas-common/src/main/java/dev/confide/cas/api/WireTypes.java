package dev.confide.cas.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import java.io.IOException;
import java.util.HexFormat;

/**
 * The serialiser's edge for typed values in wire records: a {@link Tag} is its 64 lower-case hex
 * digits, a {@link SymmetricKey} its 64 hex digits. Everywhere else they stay typed; only here do
 * they become text. A malformed tag or key in a body is refused while it is read, with one line
 * saying what a tag or key is. Every mapper that reads or writes these records registers
 * {@link #module()}.
 */
public final class WireTypes {
  private WireTypes() {}

  public static Module module() {
    SimpleModule m = new SimpleModule("confide-wire-types");
    m.addSerializer(Tag.class, new JsonSerializer<>() {
      @Override
      public void serialize(Tag tag, JsonGenerator out, SerializerProvider p) throws IOException {
        out.writeString(tag.hex());
      }
    });
    m.addDeserializer(Tag.class, new JsonDeserializer<>() {
      @Override
      public Tag deserialize(JsonParser in, DeserializationContext c) throws IOException {
        String text = in.getValueAsString();
        if (text == null || !text.matches("[0-9a-f]{64}")) {
          return (Tag) c.handleWeirdStringValue(Tag.class, String.valueOf(text), "tags are 64 lower-case hex digits");
        }
        return new Tag(text);
      }
    });
    m.addSerializer(SymmetricKey.class, new JsonSerializer<>() {
      @Override
      public void serialize(SymmetricKey key, JsonGenerator out, SerializerProvider p) throws IOException {
        byte[] raw = key.copyBytes();
        out.writeString(HexFormat.of().formatHex(raw));
        java.util.Arrays.fill(raw, (byte) 0);
      }
    });
    m.addDeserializer(SymmetricKey.class, new JsonDeserializer<>() {
      @Override
      public SymmetricKey deserialize(JsonParser in, DeserializationContext c) throws IOException {
        String text = in.getValueAsString();
        if (text == null || !text.matches("[0-9a-fA-F]{64}")) {
          // the value is a key: never echo it
          return (SymmetricKey) c.handleWeirdStringValue(SymmetricKey.class, "(withheld)", "keys are 64 hex digits");
        }
        byte[] raw = HexFormat.of().parseHex(text);
        try {
          return SymmetricKey.of(raw);
        } finally {
          java.util.Arrays.fill(raw, (byte) 0);
        }
      }
    });
    return m;
  }
}
