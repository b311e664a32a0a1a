package dev.confide.cli.run;

import dev.confide.cli.Cancellation;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.remote.LocalHost;
import dev.confide.remote.RuntimeProcess;
import dev.confide.runtime.ConfidentialRun;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.RunTargetOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code confide runtime run}: what a host starts, for a host that has the CLI. It starts the
 * runtime's own distribution ({@code confide-runtime run}) as a process of its own, with this
 * host's key, and reports what it did. The host names the session, the service and where each
 * volume's ciphertext lives; the command, its arguments and environment come from the CAS.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Attest to the CAS, receive the service's configuration, open its volumes into private memory,",
        "run its command in a bubblewrap sandbox, then seal the writable volumes and move their tags at the CAS.",
        "Exits with the program's exit code. The program's output goes to " + ConfidentialRun.LOG_NAME
            + " in the first writable volume."})
public final class RuntimeRunCommand implements Callable<Integer> {
  @Mixin RunTargetOptions target;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    target.require(spec.commandLine());
    // the runtime gets an environment of its own, but a user whose JVM an agent could change is told so
    dev.confide.runtime.RuntimeEnvironment.checkThisJvm();
    ConfideDirs dirs = Main.dirs(spec);
    String keyHash = HostKeys.load(dirs).keyHash(); // none yet: say how to make it before a runtime starts
    RuntimeProcess runtime = RuntimeProcess.start(Main.invocation(spec).runtime().get(),
        LocalHost.arguments(HostInitCommand.keyFile(dirs), keyHash), spec.commandLine().getErr());
    runtime.launch(target.launch());
    PhaseClock clock = new PhaseClock();
    RunReport report;
    try (Cancellation.Registration stop = Main.invocation(spec).cancellation().onCancel(runtime::cancel)) {
      report = runtime.await(new PhaseClock.Listener() {
        @Override
        public void started(String phase) {}

        @Override
        public void ended(String phase, long millis) {
          clock.add(phase, millis);
        }
      });
    }
    RunReports.print(new Output(spec.commandLine().getOut(), common.json), report, Map.of(), clock.phases());
    return report.exitCode();
  }
}
