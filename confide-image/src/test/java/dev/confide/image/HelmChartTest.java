package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart a conversion writes passes 'helm lint' and renders with 'helm template' (Helm's own
 * library, through helm-java), and what it renders parses as Kubernetes objects (fabric8's model):
 * the workload with the runtime's environment and the volume mounted where the image expects it,
 * a claim per volume, a Service when exposed.
 */
class HelmChartTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  @TempDir Path tmp;

  ConversionResult convert(String workload, Integer expose) throws Exception {
    return new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(TestImages.counterBase(),
        tmp.resolve("counter.tar"), tmp.resolve("policy.yaml"), "counter", "python3 /code/counter.py -v /V1/num",
        List.of("/code"), List.of(), List.of(new ConversionRequest.Volume("V1", "/V1"), new ConversionRequest.Volume("cache", "/var/cache/app")),
        URI.create("https://cas.example:8081"), "SHA256:abc", "counter-session", "confidential", TestImages.runtime(), false,
        tmp.resolve("charts"), workload, expose, true));
  }

  static List<HasMetadata> parse(String rendered) throws Exception {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : rendered.split("(?m)^---\\s*$")) {
      String body = doc.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
      if (!body.isBlank()) {
        String kind = YAML.readTree(body).path("kind").asText();
        Class<? extends HasMetadata> type = switch (kind) {
          case "Deployment" -> Deployment.class;
          case "StatefulSet" -> StatefulSet.class;
          case "Job" -> Job.class;
          case "PersistentVolumeClaim" -> PersistentVolumeClaim.class;
          case "Service" -> Service.class;
          default -> throw new AssertionError("the chart renders an unexpected kind " + kind);
        };
        HasMetadata o = YAML.readValue(body, type);
        objects.add(o);
      }
    }
    return objects;
  }

  @Test
  void aDeploymentChartLintsRendersAndParses() throws Exception {
    ConversionResult r = convert("deployment", 8080);
    Path chart = r.chart();
    assertThat(chart).isEqualTo(tmp.resolve("charts/counter"));
    LintResult lint = new Helm(chart).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    String rendered = new Helm(chart).template().withName("counter").call();
    List<HasMetadata> objects = parse(rendered);
    assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Deployment", "PersistentVolumeClaim",
        "PersistentVolumeClaim", "Service");
    Deployment d = (Deployment) objects.stream().filter(o -> o instanceof Deployment).findFirst().orElseThrow();
    assertThat(d.getMetadata().getNamespace()).isEqualTo("confidential");
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    // fabric8 keeps fields its model does not know aside: a misspelt field would land there
    assertThat(d.getAdditionalProperties()).isEmpty();
    assertThat(d.getSpec().getAdditionalProperties()).isEmpty();
    assertThat(d.getSpec().getTemplate().getSpec().getAdditionalProperties()).isEmpty();
    var container = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(container.getAdditionalProperties()).isEmpty();
    assertThat(container.getImage()).isEqualTo("localhost/counter:latest");
    assertThat(container.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("CONFIDE_CAS");
      assertThat(e.getValue()).isEqualTo("https://cas.example:8081");
    }).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("CONFIDE_SESSION");
      assertThat(e.getValue()).isEqualTo("counter-session");
    });
    assertThat(container.getVolumeMounts()).extracting(m -> m.getName() + "=" + m.getMountPath())
        .containsExactly("staging=/dev/shm", "vol-v1=/V1", "vol-cache=/var/cache/app");
    List<String> claims = objects.stream().filter(o -> o instanceof PersistentVolumeClaim).map(o -> o.getMetadata().getName()).toList();
    assertThat(claims).containsExactly("counter-vol-v1", "counter-vol-cache");
    assertThat(d.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName()).containsExactlyElementsOf(claims);
    Service s = (Service) objects.stream().filter(o -> o instanceof Service).findFirst().orElseThrow();
    assertThat(s.getSpec().getPorts().getFirst().getPort()).isEqualTo(8080);
    String readme = Files.readString(chart.resolve("README.md"));
    for (HelmChart.Value v : HelmChart.values(new ConversionRequest(TestImages.counterBase(), tmp.resolve("x"), tmp.resolve("y"),
        "counter", "true", List.of(), List.of(), List.of(), null, null, null, null, tmp, false, null, null, null, false), "s",
        "deployment", null)) {
      assertThat(readme).contains("| `" + v.key() + "` |");
    }
  }

  @Test
  void statefulSetAndJobRender() throws Exception {
    for (String workload : List.of("statefulset", "job")) {
      ConversionResult r = convert(workload, null);
      assertThat(new Helm(r.chart()).lint().strict().call().isFailed()).isFalse();
      List<HasMetadata> objects = parse(new Helm(r.chart()).template().withName("counter").call());
      assertThat(objects).hasAtLeastOneElementOfType(workload.equals("job") ? Job.class : StatefulSet.class)
          .noneMatch(o -> o instanceof Service);
    }
  }

  @Test
  void aMissingCasAddressOrTwoReplicasOfAVolumeAreRefusedByTheChart() throws Exception {
    ConversionResult r = new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(TestImages.counterBase(),
        tmp.resolve("counter.tar"), tmp.resolve("policy.yaml"), "counter", "python3 /code/counter.py", List.of("/code"), List.of(),
        List.of(new ConversionRequest.Volume("V1", "/V1")), null, null, null, null, TestImages.runtime(), false,
        tmp.resolve("charts"), null, null, false));
    assertThatThrownBy(() -> new Helm(r.chart()).template().withName("counter").call())
        .hasMessageContaining("set cas.address: the CAS the runtime attests to");
    assertThatThrownBy(() -> new Helm(r.chart()).template().withName("counter").set("cas.address", "https://c:1")
        .set("cas.fingerprint", "SHA256:x").set("replicas", 2).call())
        .hasMessageContaining("replicas must be 1: each rollback-protected volume has exactly one writer");
  }
}
