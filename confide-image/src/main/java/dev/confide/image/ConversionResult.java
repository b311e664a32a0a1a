package dev.confide.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a conversion made: the image and policy files (and the chart's folder, or null), the session and service, the measurement
 * the session expects, what is protected how, and how long each part took.
 */
public record ConversionResult(Path image, Path policy, Path chart, String session, String service, String measurement,
    String imageDigest, List<Protection> protections, Map<String, Long> millis) {
  public ConversionResult {
    protections = List.copyOf(protections);
    millis = Map.copyOf(millis);
  }

  /** One image directory and how it is protected: encrypted (into volume {@code volume}), authenticated, or a volume. */
  public record Protection(String path, String how, String volume, long files, long bytes) {}
}
