package dev.confide.cli.run;

import dev.confide.attest.Measurement;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Invocation;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.remote.Application;
import dev.confide.remote.JobException;
import dev.confide.remote.RuntimeDistribution;
import dev.confide.remote.ssh.ConfirmedPrograms;
import dev.confide.remote.ssh.HostCheck;
import dev.confide.remote.ssh.HostMeasurements;
import dev.confide.remote.ssh.HostProfile;
import dev.confide.remote.ssh.ProgramApproval;
import dev.confide.remote.ssh.RuntimeInstall;
import dev.confide.remote.ssh.SshConnection;
import dev.confide.remote.ssh.SshHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code confide host check NAME}: connect to a remote host and report what it offers a run, with
 * the program each application runs there as the host's runtime measures it; {@code --confirm APP}
 * records that program as the one the user means (as a host key is trusted).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Connect to a remote host over SSH and report its system, bubblewrap, room for staging areas,",
        "the Confide runtime installed there, the evidence it can produce, what its Blender can do (version,",
        "engines, devices, denoiser), and the program each application runs there (measured by the host's",
        "runtime). Its host key must be in ~/.ssh/known_hosts or Confide's own, or confirmed with --host-key",
        "(then remembered, hashed). 'confide host check local' reports this machine the same way."})
public final class HostCheckCommand implements Callable<Integer> {
  @Mixin RemoteHostOptions host;

  @Option(names = "--confirm", paramLabel = "APP",
      description = {"Record the program APP runs on this host, as measured now, as the one you mean (after comparing",
          "it with the host's operator); runs of APP there are refused until one is. Installs the runtime if needed."})
  List<String> confirm = new ArrayList<>();

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Invocation invocation = Main.invocation(spec);
    ConfideDirs dirs = invocation.dirs();
    if (host.name.equals(dev.confide.remote.LocalHost.NAME)) {
      return checkThisMachine(invocation);
    }
    HostProfile profile;
    HostCheck.Report r;
    Map<String, Object> fields;
    try (SshConnection ssh = host.connect(dirs)) {
      profile = ssh.host();
      r = HostCheck.of(ssh);
      RuntimeDistribution dist = invocation.runtime().get();
      String ours = RuntimeInstall.versionLine(dist);
      fields = Output.fields("system", r.system(),
          "bubblewrap", r.bwrap() == null ? "missing (install the Debian package bubblewrap)" : r.bwrap(),
          "staging", r.stagingRoot() + ", " + r.stagingFreeKiB() / 1024 + " MiB free",
          "runtime", r.runtimeVersion() == null ? "not installed"
              : r.runtimeVersion().equals(ours) ? r.runtimeVersion()
              : r.runtimeVersion() + " (not this Confide's " + ours + ": 'confide host install " + profile.name() + "')",
          "evidence", String.join(", ", r.evidence()),
          "blender", blender(r));
      List<String> ignored = new dev.confide.remote.ssh.HostProfiles(dirs.config()).ignored(profile.name());
      fields.put("ignored", ignored.isEmpty() ? "nothing" : String.join(", ", ignored) + " (in your ssh config; not followed)");
      if (!confirm.isEmpty() || ours.equals(r.runtimeVersion())) {
        RuntimeInstall.Result installed = RuntimeInstall.ensure(ssh, dist, ProgressBars.forTerminal(spec, common));
        programs(ssh, installed, dist, dirs, fields);
      }
    }
    new Output(spec.commandLine().getOut(), common.json).report("Host " + profile.name() + " (" + profile.address() + ") answered.",
        fields);
    return ExitCodes.OK;
  }

  /** {@code host check local}: what this machine offers a run, asked as a remote host is asked, without SSH. */
  private int checkThisMachine(Invocation invocation) throws Exception {
    if (!confirm.isEmpty() || host.hostKey != null) {
      throw new dev.confide.cli.CliFailure(ExitCodes.USAGE, "local_check_options", "--confirm and --host-key are for remote hosts",
          "leave them out for 'host check local': this machine's programs are measured by each run");
    }
    HostCheck.Report r = HostCheck.of(dev.confide.remote.LocalHost.NAME, ".", HostCheckCommand::runHere);
    Map<String, Object> fields = Output.fields("system", r.system(),
        "bubblewrap", r.bwrap() == null ? "missing (install the Debian package bubblewrap)" : r.bwrap(),
        "staging", r.stagingRoot() + ", " + r.stagingFreeKiB() / 1024 + " MiB free",
        "runtime", RuntimeInstall.versionLine(invocation.runtime().get()) + " (this Confide's own)",
        "evidence", String.join(", ", r.evidence()),
        "blender", blender(r));
    new Output(spec.commandLine().getOut(), common.json).report("This machine (local) answered.", fields);
    return ExitCodes.OK;
  }

  private static String blender(HostCheck.Report r) {
    return r.blender().map(dev.confide.remote.ssh.BlenderCapabilities::describe)
        .orElse("not installed (the Debian package blender, for --application blender)");
  }

  /** Runs a check's shell command on this machine; its standard output. */
  private static String runHere(String command) throws java.io.IOException {
    Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new java.io.IOException("the check's shell command exited with " + p.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new java.io.InterruptedIOException("interrupted while checking this machine");
    }
    return out;
  }

  /** Each application's program on the host, confirmed where asked; a program to confirm that is not there fails the check. */
  private void programs(SshConnection ssh, RuntimeInstall.Result installed, RuntimeDistribution dist, ConfideDirs dirs,
      Map<String, Object> fields) throws Exception {
    var applications = ApplicationRunner.applications(dirs);
    for (String wanted : confirm) {
      applications.find(wanted); // an unknown name: its own line, before anything is recorded
    }
    ConfirmedPrograms programs = new ConfirmedPrograms(new HostMeasurements(dirs.config()), ProgramApproval.REFUSE);
    String name = ssh.host().name();
    Map<String, Map<String, String>> found = new LinkedHashMap<>();
    for (String appName : applications.names()) {
      Application app = applications.find(appName);
      Map<String, String> p = new LinkedHashMap<>();
      try {
        Measurement m = SshHost.measureOn(ssh, installed, dist, app);
        programs.store().recordRuntime(name, installed.id(), m.runtimeDigest());
        if (confirm.contains(appName)) {
          programs.confirm(name, appName, m);
        }
        p.put("executable", m.executable().toString());
        p.put("sha256", m.executableDigest());
        p.put("measurement", m.value());
        var recorded = programs.confirmed(name, appName);
        p.put("status", !app.measurements().isEmpty()
            ? (app.measurements().contains(m.value()) ? "pinned by the application" : "NOT one the application pins")
            : recorded.isEmpty() ? "not confirmed ('confide host check " + name + " --confirm " + appName + "')"
            : recorded.get().sha256().equals(m.executableDigest()) && recorded.get().executable().equals(m.executable().toString())
                ? "confirmed" : "CHANGED since confirmed (" + recorded.get().sha256() + ")");
      } catch (JobException e) {
        if (confirm.contains(appName)) {
          throw e;
        }
        p.put("status", "not runnable here: " + e.getMessage());
      }
      found.put(appName, p);
    }
    if (common.json) {
      fields.put("programs", found);
    } else {
      found.forEach((app, p) -> fields.put("program " + app, p.containsKey("sha256")
          ? p.get("executable") + " sha256 " + p.get("sha256") + ", " + p.get("status") : p.get("status")));
    }
  }
}
