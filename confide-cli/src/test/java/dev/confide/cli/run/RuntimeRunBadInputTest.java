package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.cas.EmbeddedCas;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide runtime run} and {@code confide run} on a badly set-up host: one line, the fix, a documented exit code. */
class RuntimeRunBadInputTest {
  @TempDir Path tmp;
  EmbeddedCas cas;
  ConfideDirs dirs;

  @BeforeEach
  void start() throws Exception {
    dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    cas = EmbeddedCas.start(new ConfideDirs(tmp.resolve("cas-config"), tmp.resolve("cas-data")),
        TlsIdentity.create(tmp.resolve("user"), "user"));
    cas.client().createSession(session("0".repeat(64), ""));
  }

  /** The service the tests run, accepting {@code measurement}; {@code predecessorLine} for an update. */
  private static String session(String measurement, String predecessorLine) {
    return """
        name: app
        %sservices:
          - name: svc
            image_name: img
            command: python3 /out/main.py
            environment: {PATH: /usr/bin:/bin}
            attestation: [{mrenclave: ["%s"]}]
        volumes: [{name: out}]
        images: [{name: img, volumes: [{name: out, path: /out}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(predecessorLine, measurement);
  }

  @AfterEach
  void stop() throws Exception {
    cas.close();
  }

  private CliRun runtime(String url, String fingerprint, String session, String... volumes) {
    List<String> args = new ArrayList<>(List.of("runtime", "run", "--cas", url, "--cas-fingerprint", fingerprint,
        "--session", session, "--service", "svc"));
    for (String v : volumes) {
      args.addAll(List.of("--volume", v));
    }
    return CliRun.of(dirs, args.toArray(String[]::new));
  }

  @Test
  void aHostWithoutItsKeyIsToldToInitialiseIt() {
    CliRun r = runtime(cas.url(), cas.fingerprint(), "app", "out=" + tmp.resolve("out"));
    assertThat(r.code()).isEqualTo(ExitCodes.CONFIG);
    assertThat(r.err()).contains("this host has no key").contains("confide host init");
  }

  @Test
  void aWrongFingerprintADeadCasAndAMissingSessionAreRefused() throws Exception {
    HostKey.create(HostInitCommand.keyFile(dirs));
    String other = TlsIdentity.create(tmp.resolve("other"), "other").fingerprint();
    CliRun wrong = runtime(cas.url(), other, "app", "out=" + tmp.resolve("out"));
    assertThat(wrong.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(wrong.err()).contains(cas.fingerprint()).contains(other);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    CliRun dead = runtime("https://127.0.0.1:" + closedPort, cas.fingerprint(), "app", "out=" + tmp.resolve("out"));
    assertThat(dead.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(dead.err().lines().count()).as(dead.err()).isEqualTo(1);
    // a session that does not exist trusts no host: the host is told exactly what it would be told for one that does
    CliRun missing = runtime(cas.url(), cas.fingerprint(), "nosuch", "out=" + tmp.resolve("out"));
    CliRun existing = runtime(cas.url(), cas.fingerprint(), "app", "out=" + tmp.resolve("out"));
    assertThat(missing.code()).isEqualTo(ExitCodes.DENIED).isEqualTo(existing.code());
    assertThat(missing.err()).contains("which this session does not trust").isEqualTo(existing.err());
  }

  @Test
  void aHostNobodyTrustedIsRefusedNamingItsKey() throws Exception {
    HostKey key = HostKey.create(HostInitCommand.keyFile(dirs));
    CliRun refused = runtime(cas.url(), cas.fingerprint(), "app", "out=" + tmp.resolve("out"));
    assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(refused.err()).contains("simulated evidence signed by host key " + key.keyHash() + ", which this session does not trust")
        .contains("confide host trust " + key.keyHash());
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void aMeasurementOutsideTheSessionIsRefused() throws Exception {
    cas.client().trustSimHost(HostKey.create(HostInitCommand.keyFile(dirs)).keyHash());
    CliRun refused = runtime(cas.url(), cas.fingerprint(), "app", "out=" + tmp.resolve("out"));
    assertThat(refused.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(refused.err()).contains("measurement");
  }

  @Test
  void aMissingOrWrongVolumeDirectoryIsAUsageError() throws Exception {
    cas.client().trustSimHost(HostKey.create(HostInitCommand.keyFile(dirs)).keyHash());
    String measurement = ThisRuntime.measurer(ThisRuntime.distribution()).measure(List.of("python3"), "/usr/bin:/bin").value();
    cas.client().updateSession("app", session(measurement, "predecessor: " + cas.client().session("app").hash() + "\n"));
    CliRun none = runtime(cas.url(), cas.fingerprint(), "app");
    assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err()).contains("no directory given for volume 'out'").contains("--volume out=DIR");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    CliRun notDir = runtime(cas.url(), cas.fingerprint(), "app", "out=" + file);
    assertThat(notDir.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(notDir.err()).contains(file + " (volume out) is not a directory");
  }

  @Test
  void hostInputsTheSessionDoesNotTakeAreAUsageErrorBeforeTheProgramStarts() throws Exception {
    cas.client().trustSimHost(HostKey.create(HostInitCommand.keyFile(dirs)).keyHash());
    String measurement = ThisRuntime.measurer(ThisRuntime.distribution()).measure(List.of("python3"), "/usr/bin:/bin").value();
    cas.client().updateSession("app", session(measurement, "predecessor: " + cas.client().session("app").hash() + "\n"));
    List<String> args = new ArrayList<>(List.of("runtime", "run", "--cas", cas.url(), "--cas-fingerprint", cas.fingerprint(),
        "--session", "app", "--service", "svc", "--volume", "out=" + tmp.resolve("out"), "--host-arg", "--verbose"));
    CliRun argument = CliRun.of(dirs, args.toArray(String[]::new));
    assertThat(argument.code()).as(argument.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(argument.err()).contains("service svc takes no host arguments (@@N in its command), and the host gave 1")
        .contains("leave --host-arg out");
    args.subList(args.size() - 2, args.size()).clear();
    args.addAll(List.of("--host-env", "HOME=/root"));
    CliRun variable = CliRun.of(dirs, args.toArray(String[]::new));
    assertThat(variable.code()).as(variable.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(variable.err()).contains("service svc does not take environment variable HOME from the host");
    assertThat(tmp.resolve("out")).as("nothing was committed").satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
        p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void aSessionThatNeedsAOneTimePasswordIsRefusedWithoutOneAndOtpWithoutATerminalSaysWhatToSet() throws Exception {
    cas.client().trustSimHost(HostKey.create(HostInitCommand.keyFile(dirs)).keyHash());
    String measurement = ThisRuntime.measurer(ThisRuntime.distribution()).measure(List.of("python3"), "/usr/bin:/bin").value();
    cas.client().updateSession("app", session(measurement, "predecessor: " + cas.client().session("app").hash() + "\n")
        .replace("tolerate: [simulation]", "tolerate: [simulation], one_time_password_shared_secret: GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    CliRun without = runtime(cas.url(), cas.fingerprint(), "app", "out=" + tmp.resolve("out"));
    assertThat(without.code()).as(without.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(without.err()).contains("session app needs a one-time password to start its services").contains("--otp");
    CliRun noTerminal = CliRun.of(dirs, "runtime", "run", "--cas", cas.url(), "--cas-fingerprint", cas.fingerprint(),
        "--session", "app", "--service", "svc", "--volume", "out=" + tmp.resolve("out"), "--otp");
    assertThat(noTerminal.code()).as(noTerminal.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(noTerminal.err()).contains("--otp asks for the one-time password on a terminal, and there is none").contains("CONFIDE_OTP");
    assertThat(tmp.resolve("out")).as("nothing was committed").satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
        p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void withoutBubblewrapARunSaysHowToInstallIt() throws Exception {
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.writeString(inputs.resolve("main.py"), "print('hi')\n");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--sun-misc-unsafe-memory-access=allow", "-Dconfide.home=" + System.getProperty("confide.home"), "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName(),
        "run", "--application", "python", "--inputs", inputs.toString(), "--outputs", tmp.resolve("out").toString());
    pb.environment().put("CONFIDE_CONFIG_DIR", dirs.config().toString());
    pb.environment().put("CONFIDE_DATA_DIR", dirs.data().toString());
    pb.environment().put("PATH", tmp.resolve("no-tools").toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(output).contains("bubblewrap (bwrap) is not installed").contains("apt-get install bubblewrap");
    assertThat(tmp.resolve("out")).doesNotExist();
    assertThat(tmp.resolve("data/embedded-cas")).as("refused before anything was set up").doesNotExist();
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aJvmThatAnAgentOrTheLoaderCouldChangeIsRefusedBeforeItTalksToTheCas() throws Exception {
    cas.client().trustSimHost(HostKey.create(HostInitCommand.keyFile(dirs)).keyHash());
    for (String[] variable : new String[][] {{"JAVA_TOOL_OPTIONS", "-Djavax.net.debug=all"}, {"LD_PRELOAD", "/nonexistent.so"}}) {
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
          Main.class.getName(), "runtime", "run", "--cas", cas.url(), "--cas-fingerprint", cas.fingerprint(), "--session", "app",
          "--service", "svc", "--volume", "out=" + tmp.resolve("out"));
      pb.environment().put("CONFIDE_CONFIG_DIR", dirs.config().toString());
      pb.environment().put("CONFIDE_DATA_DIR", dirs.data().toString());
      pb.environment().put(variable[0], variable[1]);
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(output).isEqualTo(ExitCodes.INTEGRITY);
      assertThat(output).contains("the runtime's environment sets " + variable[0]).doesNotContain("ClientHello");
    }
    assertThat(tmp.resolve("out")).doesNotExist();
  }
}
