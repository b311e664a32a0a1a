package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Where a service's volumes are mounted and which files are written into it before it starts. */
public record Image(
    String name,
    List<Mount> volumes,
    @JsonProperty("injection_files") List<InjectionFile> injectionFiles,
    List<String> mrenclaves,
    @JsonProperty("import") ImageImport importFrom,
    @com.fasterxml.jackson.annotation.JsonFormat(with = com.fasterxml.jackson.annotation.JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    List<Export> export) {
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
    mrenclaves = mrenclaves == null ? List.of() : List.copyOf(mrenclaves);
    export = export == null ? List.of() : List.copyOf(export);
  }

  /**
   * Another session's image (SCONE's {@code images[].import}): its mount points, injection files
   * and {@code mrenclaves}, with the volumes it names taken from the importing session. {@code image}
   * defaults to the importing image's own name; SCONE writes it as the session's name alone.
   */
  public record ImageImport(String session, String image) {
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.PROPERTIES)
    public ImageImport(@JsonProperty("session") String session, @JsonProperty("image") String image) {
      this.session = session;
      this.image = image;
    }

    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    static ImageImport named(String session) {
      return new ImageImport(session, null);
    }
  }

  /** What this importing image is: {@code source}'s mounts, files and measurements under this image's name. */
  public Image runningAs(Image source) {
    return new Image(name, source.volumes, source.injectionFiles, source.mrenclaves, null, List.of());
  }

  /**
   * Whether a program of {@code measurement} may use this image: SCONE's {@code images[].mrenclaves}
   * names the only measurements that may (none named: any the service admits).
   */
  public boolean admits(String measurement) {
    return mrenclaves.isEmpty() || mrenclaves.contains(measurement);
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
