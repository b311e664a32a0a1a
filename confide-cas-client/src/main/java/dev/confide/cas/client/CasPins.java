package dev.confide.cas.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.confide.cas.common.PrivateFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The CASes a user trusts: name, address and pinned key fingerprint, in {@code cas.toml} (0600) in
 * the user's configuration folder, one {@code [cas.NAME]} table each.
 */
public final class CasPins {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");
  private final Path file;
  private final TomlMapper toml = new TomlMapper();

  /** One pinned CAS. */
  public record Pin(String name, URI url, String fingerprint) {}

  public CasPins(Path configDir) {
    this.file = configDir.resolve("cas.toml");
  }

  public Path file() {
    return file;
  }

  public static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  public static boolean validFingerprint(String fingerprint) {
    return FINGERPRINT.matcher(fingerprint).matches();
  }

  public Map<String, Pin> all() throws IOException {
    Map<String, Pin> pins = new TreeMap<>();
    if (!Files.exists(file)) {
      return pins;
    }
    Map<String, Map<String, Map<String, String>>> doc = toml.readValue(PrivateFiles.read(file), new TypeReference<>() {});
    Map<String, Map<String, String>> tables = doc.getOrDefault("cas", Map.of());
    for (var e : tables.entrySet()) {
      pins.put(e.getKey(), new Pin(e.getKey(), URI.create(e.getValue().get("url")), e.getValue().get("fingerprint")));
    }
    return pins;
  }

  /** The pin named {@code name}, or the only one when {@code name} is null. */
  public Optional<Pin> find(String name) throws IOException {
    Map<String, Pin> pins = all();
    if (name != null) {
      return Optional.ofNullable(pins.get(name));
    }
    return pins.size() == 1 ? Optional.of(pins.values().iterator().next()) : Optional.empty();
  }

  public void put(Pin pin) throws IOException {
    Map<String, Pin> pins = all();
    pins.put(pin.name(), pin);
    Map<String, Map<String, String>> tables = new TreeMap<>();
    for (Pin p : pins.values()) {
      tables.put(p.name(), Map.of("url", p.url().toString(), "fingerprint", p.fingerprint()));
    }
    PrivateFiles.directory(file.getParent());
    PrivateFiles.write(file, toml.writeValueAsBytes(Map.of("cas", tables)));
  }
}
