package dev.confide.cli.image;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.run.ThisRuntime;
import dev.confide.image.ConversionRequest;
import dev.confide.image.ConversionResult;
import dev.confide.image.ImageConverter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code confide image convert --from FILE --to FILE --name NAME --command CMD ...} (docs/images.md). */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Convert a container image into a confidential one: each --encrypt directory sealed into a volume whose key",
        "only the CAS holds, the --authenticate directories (default /usr) covered by an authenticated tree, Confide's",
        "runtime as the entrypoint. Writes the session policy beside the image (0600: it holds the keys)."})
public final class ImageConvertCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "FILE",
      description = "The image: a docker-archive ('podman save -o FILE IMAGE') or an OCI layout tarball.")
  Path from;

  @Option(names = "--to", required = true, paramLabel = "FILE", description = "The confidential image to write (an OCI layout tarball).")
  Path to;

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = "The service's name (a Kubernetes name: lower-case letters, digits and '-').")
  String name;

  @Option(names = "--command", required = true, paramLabel = "CMD",
      description = "The program the image runs, e.g. \"python3 /code/counter.py -v /V1/num\".")
  String command;

  @Option(names = "--encrypt", paramLabel = "DIR", description = "An image directory to encrypt (repeat for more).")
  List<String> encrypt = new ArrayList<>();

  @Option(names = "--authenticate", paramLabel = "DIR",
      description = "An image directory to authenticate (repeat for more; default /usr).")
  List<String> authenticate = new ArrayList<>();

  @Option(names = "--volume", paramLabel = "NAME:PATH",
      description = "A volume of the session, encrypted and rollback-protected, where the program sees it (repeat for more).")
  List<String> volumes = new ArrayList<>();

  @Option(names = "--cas", paramLabel = "URL", description = "The CAS the image's runtime reaches (else set CONFIDE_CAS when deploying).")
  URI cas;

  @Option(names = "--cas-fingerprint", paramLabel = "SHA256:...",
      description = "The CAS key's fingerprint (else set CONFIDE_CAS_FINGERPRINT when deploying).")
  String casFingerprint;

  @Option(names = "--session", paramLabel = "NAME", description = "The session's name at the CAS (default: NAME and a random suffix).")
  String session;

  @Option(names = "--namespace", paramLabel = "NS", description = "The Kubernetes namespace the image is deployed to.")
  String namespace;

  @Option(names = "--policy", paramLabel = "FILE", description = "Where to write the session policy (default: policy.yaml beside --to).")
  Path policy;

  @Option(names = "--stream-output",
      description = "Let the program's output show in the container's log (the host then sees it; default: it stays in the first volume).")
  boolean streamOutput;

  @Option(names = "--helm-out", paramLabel = "DIR",
      description = "Also write a Helm chart that deploys the image on Kubernetes, into DIR/NAME.")
  Path helmOut;

  @Option(names = "--workload", paramLabel = "KIND", defaultValue = "deployment",
      description = "What the chart runs the image as: deployment (the default), statefulset or job.")
  String workload;

  @Option(names = "--expose", paramLabel = "PORT", description = "The port the program listens on: the chart adds a Service for it.")
  Integer expose;

  @Option(names = "--runtime", paramLabel = "DIR", hidden = true,
      description = "The runtime distribution to put into the image (default: this Confide's).")
  Path runtime;

  @Option(names = "--force", description = "Replace --to and the policy file if they exist.")
  boolean force;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<ConversionRequest.Volume> parsed = volumes.stream().map(ConversionRequest.Volume::parse).toList();
    Path policyFile = policy != null ? policy : to.toAbsolutePath().resolveSibling("policy.yaml");
    Path dist = runtime != null ? runtime : ThisRuntime.distribution().home();
    ImageConverter converter = converter(spec, common.json);
    ConversionResult r = converter.convert(new ConversionRequest(from, to, policyFile, name, command, encrypt, authenticate,
        parsed, cas, casFingerprint, session, namespace, dist, streamOutput, helmOut, workload, expose, force));
    List<Map<String, Object>> protections = new ArrayList<>();
    for (ConversionResult.Protection p : r.protections()) {
      protections.add(Output.fields("path", p.path(), "how", p.how(), "volume", p.volume()));
    }
    new Output(spec.commandLine().getOut(), common.json).report(
        "converted " + from + " into " + to + "\n  next: confide session create " + policyFile
            + "\n  simulated attestation is tolerated by the policy: it protects nothing against the host's root",
        Output.fields("image", to.toString(), "image_digest", r.imageDigest(), "policy", policyFile.toString(),
            "chart", r.chart() == null ? null : r.chart().toString(), "session", r.session(), "service", r.service(), "measurement", r.measurement(), "protections",
            json() ? protections : describe(r.protections()), "millis", r.millis()));
    return ExitCodes.OK;
  }

  /** A converter that keeps the runtime's layer in the user's image cache and shows its steps on stderr (unless {@code json}). */
  static ImageConverter converter(CommandSpec spec, boolean json) throws java.io.IOException {
    java.io.PrintWriter err = spec.commandLine().getErr();
    Path cache = dev.confide.cli.Main.dirs(spec).imageCache();
    dev.confide.cas.common.PrivateFiles.directory(cache);
    return new ImageConverter(json ? ImageConverter.Progress.NONE : step -> {
      err.println("confide: " + step + " ...");
      err.flush();
    }, cache);
  }

  private boolean json() {
    return common.json;
  }

  private static String describe(List<ConversionResult.Protection> protections) {
    List<String> parts = new ArrayList<>();
    for (ConversionResult.Protection p : protections) {
      parts.add(p.path() + " " + p.how() + (p.volume() != null && !p.how().equals("volume") ? " (volume " + p.volume() + ")" : ""));
    }
    return String.join(", ", parts);
  }
}
