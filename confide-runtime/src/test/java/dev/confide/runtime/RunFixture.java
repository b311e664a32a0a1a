package dev.confide.runtime;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurer;
import dev.confide.cas.client.CasClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A host ready to run confidentially: a real CAS over HTTPS, this host's key, a measurer over the
 * test's class path, and runs whose live output (streamed where sessions allow it) is captured.
 */
final class RunFixture implements AutoCloseable {
  final LocalCas cas;
  final HostKey hostKey;
  final Measurer measurer;

  RunFixture(Path tmp) throws Exception {
    cas = new LocalCas(tmp);
    hostKey = HostKey.create(tmp.resolve("host/host-key"));
    cas.user.trustSimHost(hostKey.keyHash());
    measurer = new Measurer(Measurer.runtimeDigest(System.getProperty("java.class.path")));
  }

  /** What a session's mrenclave lists for {@code python3} found on {@code path}. */
  String python(String path) throws Exception {
    return measurer.measure(List.of("python3"), path).value();
  }

  /** A run's report and its live output. */
  record Outcome(RunReport report, String output) {}

  Outcome run(RunRequest request) throws Exception {
    return run(request, Bubblewrap.find(), cas.runtime);
  }

  Outcome run(RunRequest request, Sandbox sandbox, CasClient client) throws Exception {
    StringWriter out = new StringWriter();
    RunReport report = new ConfidentialRun(client, measurer, hostKey, sandbox, new PrintWriter(out, true))
        .run(request, new PhaseClock());
    return new Outcome(report, out.toString());
  }

  /** A request with live output, staging in the default place. */
  static RunRequest request(String session, String service, Map<String, Path> volumes) {
    return new RunRequest(session, service, volumes, true, null);
  }

  @Override
  public void close() throws Exception {
    cas.close();
  }
}
