package dev.confide.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Helm chart that deploys a converted image on Kubernetes: {@code Chart.yaml}, {@code
 * values.yaml} (every value with its comment), templates for the workload (a Deployment, a
 * StatefulSet or a Job, chosen by the {@code workload} value), a PersistentVolumeClaim per volume,
 * a Service when the program listens, and a README listing every value. The templates are the
 * same for every image; what differs is in the values. Written beside its place, then moved there.
 */
final class HelmChart {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).disable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  static final List<String> TEMPLATES = List.of("_helpers.tpl", "workload.yaml", "volumes.yaml", "service.yaml");
  static final List<String> WORKLOADS = List.of("deployment", "statefulset", "job");

  private HelmChart() {}

  /** One value of the chart: its dotted key, its default (a JSON-compatible value) and what it is for. */
  record Value(String key, Object value, String description) {}

  /** The chart's values for a conversion. */
  static List<Value> values(ConversionRequest r, String session, String workload, Integer expose) {
    List<Map<String, Object>> volumes = new ArrayList<>();
    for (ConversionRequest.Volume v : r.volumes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", v.name());
      m.put("mountPath", v.path());
      m.put("size", "1Gi");
      m.put("accessMode", "ReadWriteOnce");
      m.put("storageClassName", "");
      volumes.add(m);
    }
    return List.of(
        new Value("nameOverride", "", "The workload's name (default: the release's name)."),
        new Value("namespace", r.namespace() == null ? "" : r.namespace(), "The Kubernetes namespace (default: the release's)."),
        new Value("image.repository", "localhost/" + r.name(), "The converted image, as pushed to a registry the cluster pulls from."),
        new Value("image.tag", OciArchive.TAG, "The image's tag."),
        new Value("image.pullPolicy", "IfNotPresent", "When the node pulls the image."),
        new Value("cas.address", r.cas() == null ? "" : r.cas().toString(),
            "The CAS the runtime attests to (https://HOST:PORT); required."),
        new Value("cas.fingerprint", r.casFingerprint() == null ? "" : r.casFingerprint(),
            "The CAS key's fingerprint (SHA256:...); any other key is refused; required."),
        new Value("session", session, "The session at the CAS (made from the policy written beside the image)."),
        new Value("service", r.name(), "The session's service the image runs."),
        new Value("evidence", "auto", "The evidence the runtime produces: auto (SEV-SNP or TDX where the node offers it, else simulated), snp, tdx or sim."),
        new Value("hostKey.secretName", "",
            "A Secret holding the key that signs simulated evidence under the key 'host-key' (kubectl create secret generic NAME --from-file=host-key=FILE); simulated evidence protects nothing against the node's root."),
        new Value("workload", workload, "What runs the image: deployment (a service), statefulset, or job (runs once)."),
        new Value("replicas", 1, "Pods of a deployment or statefulset; 1 when the image has volumes (each volume has one writer)."),
        new Value("job.backoffLimit", 0, "Retries of a job whose program failed."),
        new Value("expose.enabled", expose != null, "Whether a Service exposes the program's port."),
        new Value("expose.port", expose == null ? 8080 : expose, "The port the program listens on."),
        new Value("expose.type", "ClusterIP", "The Service's type."),
        new Value("stagingMemory", "1Gi", "Memory for the runtime's private staging area (/dev/shm): the volumes' plaintext while the program runs."),
        new Value("resources", Map.of(), "The container's resource requests and limits."),
        new Value("securityContext", Map.of("privileged", true),
            "The container's security context. The runtime sandboxes the program in namespaces of its own (bubblewrap), which Kubernetes' default profile forbids; privileged lets it, and gives the container power over the node, which the node's owner decides."),
        new Value("volumes", volumes,
            "The session's volumes: each a PersistentVolumeClaim holding only ciphertext, mounted where the image expects it (mountPath must stay as converted)."));
  }

  /** Writes the chart into {@code dir} (its name: the service's). */
  static void write(Path dir, ConversionRequest r, String session, String workload, Integer expose, String measurement, boolean force)
      throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempDirectory(parent, ".confide-chart-");
    try {
      Files.writeString(temp.resolve("Chart.yaml"), """
          apiVersion: v2
          name: %s
          description: %s
          type: application
          version: 0.1.0
          appVersion: "%s"
          annotations:
            confide.dev/measurement: "%s"
          """.formatted(r.name(), JSON.writeValueAsString("The confidential image " + r.name() + ", converted by Confide"),
          OciArchive.TAG, measurement));
      List<Value> values = values(r, session, workload, expose);
      Files.writeString(temp.resolve("values.yaml"), valuesYaml(values));
      Files.writeString(temp.resolve("README.md"), readme(r, session, values));
      Files.writeString(temp.resolve(".helmignore"), "*.tmp\n*~\n");
      Path templates = Files.createDirectory(temp.resolve("templates"));
      for (String t : TEMPLATES) {
        try (InputStream in = HelmChart.class.getResourceAsStream("chart/" + t)) {
          Files.copy(in, templates.resolve(t));
        }
      }
      if (Files.exists(dir) && force) {
        DeleteTree.of(dir);
      }
      Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(temp)) {
        DeleteTree.quietly(temp);
      }
    }
  }

  private static String valuesYaml(List<Value> values) throws IOException {
    StringBuilder out = new StringBuilder("# Values of the chart written by 'confide image convert'; README.md lists them.\n");
    String group = null;
    for (Value v : values) {
      int dot = v.key().indexOf('.');
      String head = dot < 0 ? null : v.key().substring(0, dot);
      String indent = head == null ? "" : "  ";
      if (head != null && !head.equals(group)) {
        out.append('\n').append(head).append(":\n");
      } else if (head == null) {
        out.append('\n');
      }
      group = head;
      out.append(indent).append("# ").append(v.description()).append('\n');
      String key = dot < 0 ? v.key() : v.key().substring(dot + 1);
      if (v.value() instanceof List<?> list && !list.isEmpty()) {
        out.append(indent).append(key).append(":\n");
        for (String line : YAML.writeValueAsString(list).split("\n")) {
          out.append(indent).append("  ").append(line).append('\n');
        }
      } else {
        out.append(indent).append(key).append(": ").append(JSON.writeValueAsString(v.value())).append('\n');
      }
    }
    return out.toString();
  }

  private static String readme(ConversionRequest r, String session, List<Value> values) throws IOException {
    StringBuilder out = new StringBuilder("""
        # %s

        The confidential image `%s`, converted by Confide (`confide image convert`), deployed with Helm.
        Its session is `%s`: create it at the CAS first (`confide session create policy.yaml`), push the
        image to a registry your cluster pulls from, then:

            helm install %s . --set cas.address=https://CAS:8081 --set cas.fingerprint=SHA256:...

        Each volume is a PersistentVolumeClaim holding only ciphertext; its key and tag stay in the CAS,
        which refuses an older copy (a rollback). Simulated attestation protects nothing against the
        node's root; SEV-SNP or TDX nodes do (docs/attestation.md).

        ## Values

        | Value | Default | What it is |
        |---|---|---|
        """.formatted(r.name(), r.name(), session, r.name()));
    for (Value v : values) {
      out.append("| `").append(v.key()).append("` | `").append(JSON.writeValueAsString(v.value()).replace("|", "\\|"))
          .append("` | ").append(v.description().replace("|", "\\|")).append(" |\n");
    }
    return out.toString();
  }
}
