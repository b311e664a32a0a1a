package dev.confide.cli;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurer;
import dev.confide.cas.client.CasClient;
import dev.confide.runtime.ConfidentialRun;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.RunRequest;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code confide runtime run}: what a host starts. The host names the session, the service and where
 * each volume's ciphertext lives; the command, its arguments and environment come from the CAS.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Attest to the CAS, receive the service's configuration, open its volumes into private memory,",
        "run its command in a bubblewrap sandbox, then seal the writable volumes and move their tags at the CAS.",
        "Exits with the program's exit code. The program's output goes to " + ConfidentialRun.LOG_NAME
            + " in the first writable volume."})
final class RuntimeRunCommand implements Callable<Integer> {
  @Option(names = "--cas", required = true, paramLabel = "URL", description = "The CAS, e.g. https://127.0.0.1:8081.")
  URI cas;

  @Option(names = "--cas-fingerprint", required = true, paramLabel = "SHA256:...",
      description = "The CAS key's fingerprint; any other key is refused.")
  String fingerprint;

  @Option(names = "--session", required = true, paramLabel = "NAME") String session;

  @Option(names = "--service", required = true, paramLabel = "SVC") String service;

  @Option(names = "--volume", paramLabel = "NAME=DIR",
      description = "Where the ciphertext of volume NAME lives (repeat for each volume the service mounts).")
  Map<String, Path> volumes = new LinkedHashMap<>();

  @Option(names = "--stream-output",
      description = "Show the program's output live, if the session allows it (service 'stream_output: true').")
  boolean streamOutput;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ConfideDirs dirs = Main.dirs(spec);
    HostKey hostKey = HostKeys.load(dirs);
    Measurer measurer = Main.invocation(spec).measurer().get();
    PhaseClock clock = new PhaseClock();
    try (CasClient client = CasClient.connect("cas", cas, fingerprint, null)) {
      RunReport report = new ConfidentialRun(client, measurer, hostKey, spec.commandLine().getErr())
          .run(new RunRequest(session, service, volumes, streamOutput, null), clock);
      RunReports.print(new Output(spec.commandLine().getOut(), common.json), report, Map.of(), clock.phases());
      return report.exitCode();
    }
  }
}
