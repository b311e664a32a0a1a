package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Where a service's volumes are mounted and which files are written into it before it starts. */
public record Image(
    String name,
    List<Mount> volumes,
    @JsonProperty("injection_files") List<InjectionFile> injectionFiles) {
  /**
   * The host's system directories, which the sandbox takes read-only from the host: no volume is
   * mounted and no injection file written there (a secret injected into /etc would land in the
   * host's own file).
   */
  public static final java.util.List<String> HOST_SYSTEM_PATHS = java.util.List.of("/usr", "/etc", "/opt", "/bin", "/sbin",
      "/lib", "/lib64", "/lib32", "/libx32");

  /** The system directory {@code path} lies in, or null. */
  public static String hostSystemDirectoryOf(String path) {
    for (String system : HOST_SYSTEM_PATHS) {
      if (path.equals(system) || path.startsWith(system + "/")) {
        return system;
      }
    }
    return null;
  }


  public Image {
    volumes = volumes == null ? List.of() : List.copyOf(volumes);
    injectionFiles = injectionFiles == null ? List.of() : List.copyOf(injectionFiles);
  }

  /** A volume of the session mounted at an absolute path; a read-only one is never sealed again. */
  public record Mount(String name, String path, @JsonProperty("read_only") Boolean readOnly) {
    public Mount {
      readOnly = readOnly != null && readOnly;
    }

    public boolean writable() {
      return !readOnly;
    }
  }

  /** A file whose content (secrets substituted) the runtime writes before the program starts. */
  public record InjectionFile(String path, String content) {
    @Override
    public String toString() {
      return "InjectionFile[" + path + "]";
    }
  }
}
