package dev.confide.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code confide image inspect} shows of an image: whether Confide converted it and, if so,
 * what is protected how (from the labels the conversion set in its configuration), the session and
 * the measurement that session expects, its entrypoint and its layers.
 */
public record ImageInspection(Path file, boolean converted, String session, String service, String measurement, String command,
    List<Protected> protections, List<String> entrypoint, int layers, long layerBytes, String reference, String manifestDigest) {
  public ImageInspection {
    protections = List.copyOf(protections);
    entrypoint = List.copyOf(entrypoint);
  }

  /** One directory of the image and how it is protected. */
  public record Protected(String path, String how, String volume) {}

  /** Reads {@code file}'s configuration and layer list (nothing is unpacked). */
  public static ImageInspection of(Path file) throws java.io.IOException {
    try (ImageArchive image = ImageArchive.open(file)) {
      ObjectNode config = image.config();
      JsonNode cfg = config.path("config");
      JsonNode labels = cfg.path("Labels");
      List<String> entrypoint = new ArrayList<>();
      cfg.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
      cfg.path("Cmd").forEach(e -> entrypoint.add(e.asText()));
      long bytes = image.layers().stream().mapToLong(ImageArchive.Layer::size).sum();
      String measurement = label(labels, "measurement");
      if (measurement == null) {
        return new ImageInspection(file, false, null, null, null, null, List.of(), entrypoint, image.layers().size(), bytes,
            image.reference(), image.manifestDigest());
      }
      List<Protected> protections = new ArrayList<>();
      for (String item : list(labels, "encrypted")) {
        int eq = item.indexOf('=');
        protections.add(new Protected(item.substring(0, eq), "encrypted", item.substring(eq + 1)));
      }
      for (String dir : list(labels, "authenticated")) {
        protections.add(new Protected(dir, "authenticated", null));
      }
      for (String item : list(labels, "volumes")) {
        int eq = item.indexOf('=');
        protections.add(new Protected(item.substring(eq + 1), "volume", item.substring(0, eq)));
      }
      return new ImageInspection(file, true, label(labels, "session"), label(labels, "service"), measurement,
          label(labels, "command"), protections, entrypoint, image.layers().size(), bytes, image.reference(), image.manifestDigest());
    }
  }

  private static String label(JsonNode labels, String name) {
    JsonNode v = labels.get(ImageConverter.LABEL + name);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static List<String> list(JsonNode labels, String name) {
    String v = label(labels, name);
    return v == null || v.isEmpty() ? List.of() : List.of(v.split(","));
  }
}
