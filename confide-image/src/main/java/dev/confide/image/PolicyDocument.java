package dev.confide.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.confide.attest.Measurement;
import dev.confide.policy.AccessPolicy;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The session policy of a converted image, as seed 003's: only its creator may read or update it;
 * the service with the measurement of the image's runtime and program, its environment and working
 * directory and user (never root) as the original image had them, and the key and tag of the image's authenticated tree
 * ({@code fspf_*}); each encrypted directory a read-only volume whose key and tag it brings; each
 * session volume rollback-protected, its key made in the CAS. It holds keys: it is written 0600.
 */
final class PolicyDocument {
  // every string value quoted: YAML 1.1 reads an unquoted 1000:59 as a number (base 60) and 'on' as true
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private PolicyDocument() {}

  static String render(ConversionRequest r, String session, Map<String, String> env, ObjectNode imageConfig, String account,
      Measurement measurement, List<ImageConverter.EncryptedDir> encrypted, SymmetricKey treeKey, Tag treeTag)
      throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", session);
    doc.put("version", "0.3");
    doc.put("access_policy", Map.of("read", List.of(AccessPolicy.CREATOR), "update", List.of(AccessPolicy.CREATOR)));
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("name", r.name());
    service.put("image_name", r.name() + "-image");
    service.put("command", r.command());
    service.put("environment", env);
    String pwd = imageConfig.path("WorkingDir").asText("");
    service.put("pwd", pwd.isEmpty() ? "/" : pwd);
    if (account != null) {
      service.put("user", account);
    }
    service.put("attestation", List.of(Map.of("mrenclave", List.of(measurement.value()))));
    if (r.streamOutput()) {
      service.put("stream_output", true);
    }
    service.put("fspf_path", ImageConverter.MANIFEST);
    service.put("fspf_key", ImageConverter.hex(treeKey.copyBytes()));
    service.put("fspf_tag", treeTag.hex());
    doc.put("services", List.of(service));
    List<Object> volumes = new ArrayList<>();
    List<Object> mounts = new ArrayList<>();
    for (ImageConverter.EncryptedDir e : encrypted) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("name", e.volume());
      v.put("key", ImageConverter.hex(e.key().copyBytes()));
      v.put("tag", e.tag().hex());
      volumes.add(v);
      mounts.add(Map.of("name", e.volume(), "path", e.dir(), "read_only", true));
    }
    for (ConversionRequest.Volume v : r.volumes()) {
      volumes.add(Map.of("name", v.name()));
      mounts.add(Map.of("name", v.name(), "path", v.path()));
    }
    if (!volumes.isEmpty()) {
      doc.put("volumes", volumes);
    }
    doc.put("images", List.of(Map.of("name", r.name() + "-image", "volumes", mounts)));
    doc.put("security", Map.of("attestation", Map.of("tolerate", List.of("simulation"))));
    String user = imageConfig.path("User").asText("");
    return """
        # The session of the confidential image %s, written by 'confide image convert'.
        # It holds the keys of the image's encrypted directories and of its authenticated tree:
        # keep it private. Create the session with 'confide session create %s',
        # then store this file safely or delete it; the CAS keeps the keys and gives them only to
        # the attested runtime of this image (measurement %s).
        # Only the session's creator may read or update it. Simulated attestation is tolerated:
        # it protects nothing against the host's root (docs/images.md says what does).
        # The original image ran as user '%s'; the sandbox runs the program as %s.
        """.formatted(r.to().getFileName(), r.policy().getFileName(), measurement.value(), user.isEmpty() ? "root" : user,
        account != null ? "that account (" + account + ")" : "an unprivileged account of its own (1000:1000), never root")
        + YAML.writeValueAsString(doc);
  }
}
