package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Where a service's volumes are mounted and which files are written into it before it starts. */
public record Image(
    String name,
    List<Mount> volumes,
    @JsonProperty("injection_files") List<InjectionFile> injectionFiles) {

  public Image {
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    injectionFiles = injectionFiles == null ? List.of() : List.copyOf(injectionFiles);
  }

  /** A volume of the session mounted at an absolute path. */
  public record Mount(String name, String path) {}

  /** A file whose content (secrets substituted) the runtime writes before the program starts. */
  public record InjectionFile(String path, String content) {
    @Override
    public String toString() {
      return "InjectionFile[" + path + "]";
    }
  }
}
