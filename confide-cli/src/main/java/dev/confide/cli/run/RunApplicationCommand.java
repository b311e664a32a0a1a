package dev.confide.cli.run;

import java.util.ArrayList;
import java.util.List;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.cli.cas.CasChoice;
import dev.confide.runtime.ConfidentialRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code confide run}: the user's command. Seals INPUTS, creates an empty output volume and the
 * run's session from the application's template, runs the runtime on the host, checks the outputs'
 * tag with the CAS and unseals them into OUTPUTS.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run an application confidentially on encrypted inputs and unseal its outputs.",
        "Without --cas (and with no CAS pinned) a CAS starts inside this process, keeping its data in",
        "the user's data directory. The program's own output is in OUTPUTS/" + ConfidentialRun.LOG_NAME + "."})
public final class RunApplicationCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "local", paramLabel = "HOST",
      description = "Where to run: 'local' (this machine, default) or a host added with 'confide host add'.")
  String host;

  @Option(names = "--host-key", paramLabel = "SHA256:...",
      description = "A remote host's key fingerprint, trusted if no known_hosts entry names the host (check it with its operator).")
  String hostKey;

  @Option(names = "--image", paramLabel = "FILE",
      description = "Run a converted image (confide image convert) under podman instead of an application: its session must exist,"
          + " or --policy FILE creates it.")
  Path image;

  @Option(names = "--volume", paramLabel = "NAME=DIR",
      description = "With --image: where volume NAME's ciphertext lives on this machine (default: DATA/images/SESSION/NAME, kept between runs).")
  java.util.Map<String, Path> volumes = new java.util.LinkedHashMap<>();

  @Option(names = "--policy", paramLabel = "FILE",
      description = "With --image: the session policy 'image convert' wrote; the session is created from it if the CAS lacks it.")
  Path policy;

  @Option(names = "--podman-options", paramLabel = "OPTIONS",
      description = "With --image: options this machine's podman needs besides Confide's, as one string (e.g. \"--ulimit nofile=1024:1024\").")
  String podmanOptions;

  @Option(names = "--podman-storage", paramLabel = "DIR", hidden = true,
      description = "With --image: a podman storage of its own in DIR (vfs) instead of the user's; for tests.")
  Path podmanStorage;

  @Option(names = "--application", paramLabel = "APP",
      description = "Which application: python, blender, or one of yours in CONFIG/applications/APP.yaml.")
  String application;

  @Option(names = "--inputs", paramLabel = "DIR", description = "The plaintext inputs (sealed before they leave).")
  Path inputs;

  @Option(names = "--outputs", paramLabel = "DIR", description = "Where the outputs go (new or empty).")
  Path outputs;

  @Option(names = "--script", paramLabel = "NAME", description = "The script in INPUTS to run (default: the application's, main.py).")
  String script;

  @Option(names = "--stream-output", description = "Show the program's output live (only if the application's session allows it).")
  boolean streamOutput;

  @Option(names = "--keep", description = "Keep the run's directory on the remote host afterwards (ciphertext only; the"
      + " host's sweep removes it after a week).")
  boolean keep;

  @Option(names = "--memory", paramLabel = "SIZE",
      description = "The most memory the program may use, as 512M or 4G (default: the application's, else no limit); the kernel's memory controller keeps it.")
  String memory;

  @Mixin RenderOptions render = new RenderOptions();

  @Mixin CasChoice casChoice = new CasChoice();

  @Mixin CommonOptions common = new CommonOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (image != null) {
      List<String> meaningless = new ArrayList<>();
      if (application != null) meaningless.add("--application");
      if (inputs != null) meaningless.add("--inputs");
      if (outputs != null) meaningless.add("--outputs");
      if (script != null) meaningless.add("--script");
      if (memory != null) meaningless.add("--memory");
      if (keep) meaningless.add("--keep");
      if (render.anyGiven()) meaningless.add("--scene and its options");
      if (!meaningless.isEmpty()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), String.join(", ", meaningless)
            + " do not apply to --image (the image holds its program; its volumes are --volume)");
      }
      return new ImageRunner().run(Main.invocation(spec), new Output(spec.commandLine().getOut(), common.json),
          spec.commandLine().getErr(), new ImageRunner.Options(host, image, volumes, policy, casChoice.name, podmanOptions, podmanStorage, hostKey));
    }
    List<String> missing = new ArrayList<>();
    if (application == null) missing.add("'--application=APP'");
    if (inputs == null) missing.add("'--inputs=DIR'");
    if (outputs == null) missing.add("'--outputs=DIR'");
    if (!missing.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option"
          + (missing.size() > 1 ? "s" : "") + ": " + String.join(", ", missing));
    }
    if (!volumes.isEmpty() || policy != null || podmanOptions != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--volume, --policy and --podman-options are for --image");
    }
    return new ApplicationRunner().run(Main.invocation(spec), new Output(spec.commandLine().getOut(), common.json),
        spec.commandLine().getErr(), new ApplicationRunner.Options(host, application, inputs, outputs, script, streamOutput,
            casChoice.name, hostKey, keep, render, memory));
  }
}
