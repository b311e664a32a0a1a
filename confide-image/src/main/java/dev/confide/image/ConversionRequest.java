package dev.confide.image;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code confide image convert} is asked for.
 *
 * @param from the image tarball read
 * @param to the confidential image written (an OCI layout tarball)
 * @param policy where the session policy is written (0600: it holds the image's keys)
 * @param name the service's name, also the Kubernetes name of what the chart deploys
 * @param command the program the runtime starts (the service's command)
 * @param encrypt image directories sealed into volumes whose keys only the CAS holds
 * @param authenticate image directories covered by one authenticated tree (default {@code /usr})
 * @param volumes the session's volumes, mounted where the deployment gives the service storage
 * @param cas the CAS the image's runtime reaches, with its key's fingerprint (both may be set when deploying)
 * @param session the session's name at the CAS (null: NAME and a random suffix, so that conversions do not collide)
 * @param namespace the chart's Kubernetes namespace (null: the release's)
 * @param runtime the runtime distribution put into the image (with a {@code jre/} of its own)
 * @param streamOutput let the program's output show in the container's log (the host then sees it)
 * @param helmOut where the Helm chart is written (a folder named after the service inside it), or null
 * @param workload what the chart runs the image as: deployment, statefulset or job
 * @param expose the port the program listens on, exposed by a Service; or null
 * @param force replace outputs that exist
 */
public record ConversionRequest(Path from, Path to, Path policy, String name, String command, List<String> encrypt,
    List<String> authenticate, List<Volume> volumes, URI cas, String casFingerprint, String session, String namespace, Path runtime,
    boolean streamOutput, Path helmOut, String workload, Integer expose, boolean force) {
  public ConversionRequest {
    encrypt = List.copyOf(encrypt);
    authenticate = authenticate.isEmpty() ? List.of("/usr") : List.copyOf(authenticate);
    volumes = List.copyOf(volumes);
    workload = workload == null ? "deployment" : workload;
  }

  /** The chart's folder, or null. */
  public Path chart() {
    return helmOut == null ? null : helmOut.resolve(name);
  }

  /** A volume of the session: its name and where the program sees it. */
  public record Volume(String name, String path) {
    /** {@code NAME:PATH}. */
    public static Volume parse(String spec) {
      int colon = spec.indexOf(':');
      if (colon <= 0 || colon == spec.length() - 1) {
        throw new ImageException(dev.confide.runtime.ExitCodes.USAGE, "--volume " + spec + " is not NAME:PATH",
            "give the volume's name and where the program sees it, e.g. --volume V1:/V1");
      }
      return new Volume(spec.substring(0, colon), spec.substring(colon + 1));
    }
  }
}
