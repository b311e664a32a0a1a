package dev.confide.cli.cas;

import dev.confide.cas.CasHome;
import dev.confide.cas.CasServer;
import dev.confide.cas.Database;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code confide cas start}: serves until Ctrl-C or SIGTERM. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = {"Start a CAS: HTTPS (TLS 1.3) with client certificates, H2 in DIR or PostgreSQL.",
        "On first start creates DIR (0700), the CAS key and certificate and the master key (0600)."})
public final class CasStartCommand implements Callable<Integer> {
  @Option(names = "--data", paramLabel = "DIR", description = "Data folder (default: ~/.local/share/confide/cas).")
  Path data;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8081",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
  String listen;

  @Option(names = "--db", paramLabel = "JDBC_URL",
      description = "jdbc:postgresql://HOST:PORT/DB (user and password from PGUSER/PGPASSWORD); default: H2 in DIR.")
  String db;

  @Option(names = "--auditor", paramLabel = "KEY_HASH",
      description = "A principal allowed to read the audit log (repeatable; default: your own identity).")
  List<String> auditors = List.of();

  @Option(names = "--session-creator", paramLabel = "KEY_HASH",
      description = "A principal allowed to create top-level sessions (repeatable; default: your own identity and the auditors).")
  List<String> sessionCreators = List.of();

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ConfideDirs dirs = Main.dirs(spec);
    Path dir = data != null ? data : dirs.casData();
    InetSocketAddress address = address(listen);
    CasHome home = CasHome.open(dir, address.getHostString(), "localhost", "127.0.0.1");
    Set<String> admitted = new LinkedHashSet<>(auditors);
    if (admitted.isEmpty() && TlsIdentity.existsIn(dirs.identity())) {
      admitted.add(TlsIdentity.load(dirs.identity()).keyHash());
    }
    String url = db != null ? db : Database.h2Url(dir);
    CasServer server;
    try {
      server = CasServer.start(home, url, address, admitted, creators(dirs, admitted));
    } catch (java.io.IOException e) {
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new CliFailure(ExitCodes.UNAVAILABLE, "address_in_use", "cannot listen on " + listen + ": address already in use",
            "stop the other process or choose another port with --listen 127.0.0.1:PORT");
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        server.close();
      } catch (Exception ignored) {
        // the process is ending either way
      } finally {
        stopped.countDown();
      }
    }, "cas-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    new Output(spec.commandLine().getOut(), common.json).report(
        "CAS listening on " + server.url() + (home.created() ? " (new: created " + dir + ")" : ""),
        Output.fields("url", server.url(), "fingerprint", server.fingerprint(), "storage", server.database().description(),
            "data", dir.toString(), "auditors", List.copyOf(admitted), "session_creators", List.copyOf(creators(dirs, admitted)),
            "pin_with", "confide cas add NAME " + server.url() + " --fingerprint " + server.fingerprint()));
    server.join();
    stopped.await();
    return ExitCodes.OK;
  }

  static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try {
      if (colon <= 0) {
        throw new NumberFormatException();
      }
      String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return new InetSocketAddress(host, port);
    } catch (NumberFormatException e) {
      throw new CliFailure(ExitCodes.USAGE, "bad_address", "'" + hostPort + "' is not HOST:PORT", "write e.g. 127.0.0.1:8081");
    }
  }

  /** The principals who may create top-level sessions: those named, else the auditors and the identity running the CAS. */
  private Set<String> creators(ConfideDirs dirs, Set<String> auditors) throws java.io.IOException {
    Set<String> creators = new LinkedHashSet<>(sessionCreators);
    if (creators.isEmpty()) {
      creators.addAll(auditors);
      if (TlsIdentity.existsIn(dirs.identity())) {
        creators.add(TlsIdentity.load(dirs.identity()).keyHash());
      }
    }
    for (String c : creators) {
      if (!c.matches("[0-9a-f]{64}")) {
        throw new CliFailure(ExitCodes.USAGE, "bad_key_hash", "'" + c + "' is not a key hash",
            "give the 64 hex digits 'confide identity show' prints");
      }
    }
    return creators;
  }
}
