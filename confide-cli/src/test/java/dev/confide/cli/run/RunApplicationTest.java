package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.Cancellation;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Invocation;
import dev.confide.cli.Main;
import dev.confide.cli.cas.EmbeddedCas;
import dev.confide.testing.PrivateDirectories;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code confide run --host local}: an embedded CAS, sealed inputs, the runtime, unsealed outputs —
 * with real bubblewrap and Debian's python3.
 */
class RunApplicationTest {
  static final Path EXAMPLES = Path.of(System.getProperty("confide.home"), "examples");

  @TempDir Path tmp;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  private Path script(String name, String python) throws IOException {
    Path inputs = Files.createDirectories(tmp.resolve("inputs-" + name));
    Files.writeString(inputs.resolve("main.py"), python);
    return inputs;
  }

  /** This JVM's staging areas: other processes on a shared machine use /dev/shm too. */
  private static Set<String> stagingAreas() throws IOException {
    return PrivateDirectories.in(Path.of("/dev/shm"), dev.confide.runtime.StagingArea::madeByThisProcess);
  }


  @Test
  void aRunCancelledWhileItSealsItsInputsStopsThereAndLeavesNothing() throws Exception {
    Set<String> before = stagingAreas();
    Cancellation cancelled = new Cancellation();
    cancelled.cancel(); // Ctrl-C before the seal's first file: a deterministic point inside the seal
    Invocation stopped = new Invocation(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), null, 0L, false,
        ThisRuntime::distribution, cancelled, dev.confide.remote.RuntimeStarter.FRESH);
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = Main.run(new String[] {"run", "--host", "local", "--application", "python", "--inputs",
        EXAMPLES.resolve("python/stats").toString(), "--outputs", tmp.resolve("out").toString()},
        new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), stopped);
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.CANCELLED);
    // the seal stopped: the runtime never saw the run (which would say "cancelled before the program started")
    assertThat(err.toString()).contains("confide: 'run' was cancelled before it finished; nothing half-written is left");
    assertThat(tmp.resolve("out")).doesNotExist();
    assertThat(stagingAreas()).isEqualTo(before);
    assertThat(tmp.resolve("data/runs")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void inputsThatHoldConfidesOwnDataFolderAreRefusedBeforeAnythingIsSealed() throws Exception {
    Path inputs = script("holds-data", "print('x')\n");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(inputs.resolve("large.bin").toFile(), "rw")) {
      f.setLength(dev.confide.remote.LocalHost.IN_MEMORY_INPUTS + 1); // sparse; too large to go to memory: runs/ in the data folder
    }
    Path data = inputs.resolve("confide-data");
    CliRun r = CliRun.of(new ConfideDirs(tmp.resolve("config"), data), "run", "--host", "local", "--application", "python",
        "--inputs", inputs.toString(), "--outputs", tmp.resolve("out").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.CANT_CREATE);
    assertThat(r.err()).contains("confide: the inputs " + inputs + " hold Confide's own data folder " + data
        + ", where this run's sealed inputs would go: they would take in themselves; give inputs that do not contain " + data);
    assertThat(data.resolve("runs")).doesNotExist();
    assertThat(tmp.resolve("out")).doesNotExist();
  }

  @Test
  void runsThePythonStatsExampleAndUnsealsItsReport() throws Exception {
    CliRun noneYet = confide("cas", "audit", "--embedded");
    assertThat(noneYet.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(noneYet.err()).contains("there is no embedded CAS yet");
    Set<String> before = stagingAreas();
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--host", "local", "--application", "python", "--inputs", EXAMPLES.resolve("python/stats").toString(),
        "--outputs", out.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    String report = Files.readString(out.resolve("report.txt"));
    assertThat(report).startsWith("120 measurements from 4 sites").contains("north", "south", "east", "west");
    assertThat(Files.readString(out.resolve("confide-run.log"))).isEqualTo("wrote report.txt for 4 sites\n");
    assertThat(r.err()).doesNotContain("wrote report.txt");
    JsonNode json = r.json();
    assertThat(json.get("exit_code").asInt()).isZero();
    assertThat(json.get("measurement").asText()).hasSize(64);
    assertThat(json.get("attestation").asText()).isEqualTo("sim");
    assertThat(json.get("protection").asText()).isEqualTo("simulated attestation: the host's owner can read and change this run");
    assertThat(json.get("executable").asText()).startsWith("/usr/bin/python3");
    List<String> phases = new ArrayList<>();
    json.get("phases_ms").fieldNames().forEachRemaining(phases::add);
    assertThat(phases).containsSubsequence("measure", "seal inputs", "cas start", "session", "runtime start", "attest", "open", "program", "seal+swap", "wipe", "unseal");
    assertThat(json.get("volumes").get(1).get("committed").asBoolean()).isTrue();
    // --json passes the run's events on, one JSON line each on stderr: the runtime's (from its own
    // process) between the user's side's, with the bytes its volumes took
    List<JsonNode> events = new ArrayList<>();
    for (String line : r.err().lines().filter(l -> l.startsWith("{")).toList()) {
      events.add(new ObjectMapper().readTree(line));
    }
    assertThat(events).extracting(e -> e.get("event").asText() + " " + e.get("phase").asText())
        .containsSubsequence("phase_started seal inputs", "phase_started session", "phase_ended runtime start",
            "phase_started attest", "phase_ended attest", "phase_started open", "progress open", "phase_ended open",
            "phase_started seal+swap", "progress seal+swap", "phase_ended seal+swap", "phase_started unseal");
    JsonNode opened = events.stream().filter(e -> e.get("event").asText().equals("progress")
        && e.get("phase").asText().equals("open")).findFirst().orElseThrow();
    long inputBytes;
    try (var files = Files.walk(EXAMPLES.resolve("python/stats"))) {
      inputBytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    assertThat(opened.get("bytes").asLong()).as("the inputs' bytes, opened by the runtime").isEqualTo(inputBytes)
        .isEqualTo(opened.get("total").asLong());
    assertThat(stagingAreas()).as("the staging area and the small run's ciphertext (both on /dev/shm) are removed")
        .isEqualTo(before);
    assertThat(tmp.resolve("data/runs")).as("a small run's ciphertext never touches the disk").doesNotExist();
    String session = json.get("session").asText();
    CliRun audit = confide("cas", "audit", "--embedded", "--verify");
    assertThat(audit.code()).as(audit.err()).isZero();
    assertThat(audit.out()).contains("session.create").contains("attest").contains("secrets.release")
        .contains("tag.swap").contains(session + "/outputs").contains("audit log intact");
    // the outputs' key was made by the CAS and released to this user after the run, not made here
    assertThat(audit.out()).contains("volume.key.export");
  }

  @Test
  void anApplicationWhoseTemplateNamesTheOutputsKeyStillRunsWithAKeyMadeHere() throws Exception {
    String python = Files.readString(EXAMPLES.resolve("applications/python.yaml"));
    String legacy = python.replace("name: python\n", "name: python-own-key\n").replace(
        "    - name: outputs\n", "    - name: outputs\n      key: $OUTPUTS_KEY\n      tag: $OUTPUTS_TAG\n");
    assertThat(legacy).contains("$OUTPUTS_KEY").contains("$OUTPUTS_TAG");
    Files.writeString(Files.createDirectories(tmp.resolve("config/applications")).resolve("python-own-key.yaml"), legacy);
    Path inputs = script("own-key", "open('/encryptedOutputs/done.txt', 'w').write('done')\n");
    CliRun r = confide("run", "--application", "python-own-key", "--inputs", inputs.toString(), "--outputs",
        tmp.resolve("out").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(tmp.resolve("out/done.txt"))).isEqualTo("done");
    CliRun audit = confide("cas", "audit", "--embedded");
    assertThat(audit.out()).contains("tag.swap").doesNotContain("volume.key.export");
  }

  @Test
  void theProgramsExitCodeIsConfidesAndAFailureShowsTheTailOfItsLogWhereTheUserFindsIt() throws Exception {
    StringBuilder script = new StringBuilder("import sys\n");
    for (int i = 1; i <= 30; i++) {
      script.append("print('diagnostic line ").append(i).append("', file=sys.stderr)\n");
    }
    script.append("sys.exit(3)\n");
    Path inputs = script("fails", script.toString());
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).contains("program exited with 3")
        .contains("simulated attestation: the host's owner can read and change this run")
        .containsPattern("program_log +" + java.util.regex.Pattern.quote(out.resolve("confide-run.log").toString()))
        .doesNotContain("/encryptedOutputs/confide-run.log");
    assertThat(r.err()).as("progress, phase by phase").contains("confide: sealing the inputs ...",
        "confide: attesting to the CAS ...", "confide: running the program in the sandbox", "confide: unsealing the outputs ...");
    // the failure, with the last 20 lines of the log and where it is on this machine
    assertThat(r.err()).contains("confide: the program failed (exit code 3); the last 20 lines of its log, "
        + out.resolve("confide-run.log") + ":\n  diagnostic line 11\n").contains("  diagnostic line 30\n")
        .doesNotContain("diagnostic line 10\n");
    assertThat(Files.readString(out.resolve("confide-run.log"))).contains("diagnostic line 1\n");
  }

  @Test
  void aMemoryLimitHoldsAndAProgramTheOomKillerEndsIsReportedAsSuch() throws Exception {
    Path inputs = script("hungry", "blocks = []\nfor i in range(400):\n    blocks.append(bytearray(1 << 20))\n"
        + "print('allocated', len(blocks), 'MiB')\n");
    CliRun killed = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs",
        tmp.resolve("out").toString(), "--memory", "64M");
    org.junit.jupiter.api.Assumptions.assumeFalse(killed.code() == ExitCodes.UNAVAILABLE && killed.err().contains("memory"),
        "no writable memory controller here: " + killed.err());
    assertThat(killed.code()).as(killed.err()).isEqualTo(137);
    assertThat(killed.err()).contains("confide: the program ran out of memory: the kernel's OOM killer ended it at its limit of"
        + " 64 MiB").contains("give it more with --memory SIZE");
    assertThat(killed.out()).containsPattern("failure +out_of_memory");

    CliRun enough = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs",
        tmp.resolve("out2").toString(), "--memory", "1G", "--json");
    assertThat(enough.code()).as(enough.err()).isZero();
    JsonNode memory = enough.json().get("memory");
    assertThat(memory.get("limit_bytes").asLong()).isEqualTo(1L << 30);
    assertThat(memory.get("peak_bytes").asLong()).isGreaterThan(400L << 20).isLessThan(1L << 30);
    assertThat(memory.get("oom_killed").asBoolean()).isFalse();
    assertThat(Files.readString(tmp.resolve("out2/confide-run.log"))).isEqualTo("allocated 400 MiB\n");

    CliRun bad = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs",
        tmp.resolve("out3").toString(), "--memory", "lots");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--memory lots is not a memory size; write it like 512M or 4G");
    CliRun tiny = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs",
        tmp.resolve("out3").toString(), "--memory", "1M");
    assertThat(tiny.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(tiny.err()).contains("--memory 1M is less than the 16M a program needs to start");
    assertThat(tmp.resolve("out3")).doesNotExist();
  }

  @Test
  void jsonTellsTheProgramsFailureFromConfidesOwnWithTheSameExitCode() throws Exception {
    Path inputs = script("raises", "import os\nos.write(2, b'about to fail\\n')\nraise SystemExit(66)\n");
    CliRun program = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs",
        tmp.resolve("out").toString(), "--json");
    assertThat(program.code()).isEqualTo(66);
    JsonNode p = program.json();
    assertThat(p.get("exit_code").asInt()).isEqualTo(66);
    assertThat(p.get("failure").asText()).isEqualTo("program");
    assertThat(p.get("log_tail").get(0).asText()).isEqualTo("about to fail");
    assertThat(p.get("program_log").asText()).isEqualTo(tmp.resolve("out/confide-run.log").toString());

    // Confide's own 66 (an input folder that is not there) says so
    CliRun own = confide("run", "--application", "python", "--inputs", tmp.resolve("missing").toString(), "--outputs",
        tmp.resolve("out2").toString(), "--json");
    assertThat(own.code()).isEqualTo(ExitCodes.NO_INPUT);
    JsonNode o = own.json();
    assertThat(o.get("failure").asText()).isEqualTo("confide");
    assertThat(o.get("exit_code").asInt()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(o.get("error").asText()).isNotBlank();
  }

  @Test
  void theSandboxHasNoNetworkReadOnlyInputsAndAPrivateTmp() throws Exception {
    try (ServerSocket listening = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path inputs = script("walls", """
          import os, socket
          results = []
          try:
              socket.create_connection(("127.0.0.1", %d), timeout=2)
              results.append("network: reached")
          except OSError as e:
              results.append("network: refused")
          try:
              open("/encryptedInputs/new.txt", "w")
              results.append("inputs: written")
          except OSError:
              results.append("inputs: read-only")
          open("/tmp/scratch", "w").write("x")
          results.append("home: " + str(os.path.exists("%s")))
          open("/encryptedOutputs/walls.txt", "w").write("\\n".join(results) + "\\n")
          """.formatted(listening.getLocalPort(), tmp.toAbsolutePath()));
      Path out = tmp.resolve("out");
      CliRun r = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(Files.readAllLines(out.resolve("walls.txt")))
          .containsExactly("network: refused", "inputs: read-only", "home: False");
      assertThat(out.resolve("scratch")).doesNotExist();
    }
  }

  @Test
  @Timeout(120)
  void theHostsEnvironmentNeverReachesTheProgram() throws Exception {
    Path inputs = script("env", "import json, os\njson.dump(sorted(os.environ), open('/encryptedOutputs/env.json', 'w'))\n");
    Path out = tmp.resolve("out");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--sun-misc-unsafe-memory-access=allow", "-Dconfide.home=" + System.getProperty("confide.home"), "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName(),
        "run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("CONFIDE_CONFIG_DIR", tmp.resolve("config").toString());
    pb.environment().put("CONFIDE_DATA_DIR", tmp.resolve("data").toString());
    pb.environment().put("PYTHONPATH", "/evil");
    pb.environment().put("PYTHONSTARTUP", "/evil/startup.py");
    pb.environment().put("LANG", "evil");
    // LD_LIBRARY_PATH and kin make the runtime refuse to run at all (RuntimeRunBadInputTest)
    pb.environment().put("EVIL", "1");
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    // the session's variables, the runtime's defaults (HOME, PATH), PWD from the sandbox's working
    // directory and LC_CTYPE from python's own C-locale coercion (PEP 538): nothing of the host's
    assertThat(new ObjectMapper().readValue(out.resolve("env.json").toFile(), String[].class))
        .containsExactly("HOME", "LC_CTYPE", "PATH", "PWD", "PYTHONDONTWRITEBYTECODE");
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingIsWritten() throws Exception {
    Path out = tmp.resolve("out");
    CliRun missing = confide("run", "--application", "python", "--inputs", tmp.resolve("nope").toString(), "--outputs", out.toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(missing.err()).contains("inputs directory " + tmp.resolve("nope") + " does not exist");
    Path inputs = script("ok", "print('hi')\n");
    CliRun noScript = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString(),
        "--script", "other.py");
    assertThat(noScript.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(noScript.err()).contains("the inputs hold no other.py").contains("--script");
    Files.createDirectories(out);
    Files.writeString(out.resolve("old-result.txt"), "keep me");
    CliRun notEmpty = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString());
    assertThat(notEmpty.code()).isEqualTo(ExitCodes.CANT_CREATE);
    assertThat(notEmpty.err()).contains("is not empty");
    assertThat(Files.readString(out.resolve("old-result.txt"))).isEqualTo("keep me");
    CliRun unknown = confide("run", "--application", "cobol", "--inputs", inputs.toString(), "--outputs", tmp.resolve("o2").toString());
    assertThat(unknown.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(unknown.err()).contains("no application 'cobol'").contains("blender").contains("python");
    CliRun remote = confide("run", "--host", "faye", "--application", "python", "--inputs", inputs.toString(),
        "--outputs", tmp.resolve("o3").toString());
    assertThat(remote.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(remote.err()).contains("no host named faye was added; add it with 'confide host add faye --ssh USER@HOST'");
    assertThat(tmp.resolve("o2")).doesNotExist();
    assertThat(tmp.resolve("data/runs")).doesNotExist();
  }

  @Test
  void setuidAndSetgidBitsOfAProgramsOutputsAreClearedWhenUnsealed() throws Exception {
    Path inputs = script("setuid", """
        import os, shutil
        shutil.copy("/bin/sh", "/encryptedOutputs/sh")
        os.chmod("/encryptedOutputs/sh", 0o6755)
        os.mkdir("/encryptedOutputs/shared")
        os.chmod("/encryptedOutputs/shared", 0o3775)
        print(oct(os.stat("/encryptedOutputs/sh").st_mode & 0o7777))
        """);
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out.resolve("confide-run.log"))).as("the program did set the bits").contains("0o6755");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("sh")))).isEqualTo("rwxr-xr-x");
    assertThat((Integer) Files.getAttribute(out.resolve("sh"), "unix:mode") & 07777).isEqualTo(0755);
    assertThat((Integer) Files.getAttribute(out.resolve("shared"), "unix:mode") & 07777).as("sticky kept, setgid cleared")
        .isEqualTo(01775);
  }

  @Test
  void theDemoRunsAnExampleAndSaysWhereItsOutputIs() throws Exception {
    Path out = tmp.resolve("demo-out");
    CliRun r = confide("demo", "--application", "python", "--outputs", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("demo complete: the outputs are in " + out).contains("simulated attestation: the host's owner can read");
    assertThat(out.resolve("report.txt")).exists();
  }

  @Test
  void streamingOutputNeedsTheSessionsConsent() throws Exception {
    Path inputs = script("quiet", "print('only for the owner')\n");
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString(), "--stream-output");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("does not allow streaming output").doesNotContain("only for the owner");
    assertThat(Files.readString(out.resolve("confide-run.log"))).isEqualTo("only for the owner\n");
  }

  @Test
  void scriptPicksAnotherScriptAndTheHostCannotPassProgramOptions() throws Exception {
    Path inputs = script("two", "print('main')\n");
    Files.writeString(inputs.resolve("other.py"), "open('/encryptedOutputs/which.txt', 'w').write('other')\n");
    Path out = tmp.resolve("out");
    CliRun r = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString(),
        "--script", "other.py");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out.resolve("which.txt"))).isEqualTo("other");
    CliRun hostOption = confide("runtime", "run", "--cas", "https://127.0.0.1:1", "--cas-fingerprint", "SHA256:x",
        "--session", "counter", "--service", "counter", "-v", "/tmp/num");
    assertThat(hostOption.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(hostOption.err()).contains("'-v'");
  }

  @Test
  void aPinnedCasIsUsedInsteadOfTheEmbeddedOneAndHoldsTheOutputsTag() throws Exception {
    assertThat(confide("identity", "create").code()).isZero();
    ConfideDirs elsewhere = new ConfideDirs(tmp.resolve("cas-config"), tmp.resolve("cas-data"));
    try (EmbeddedCas cas = EmbeddedCas.start(elsewhere, TlsIdentity.load(tmp.resolve("config/identity")))) {
      assertThat(confide("cas", "add", "mine", cas.url(), "--fingerprint", cas.fingerprint()).code()).isZero();
      Path inputs = script("pinned", "open('/encryptedOutputs/done.txt', 'w').write('done')\n");
      Path out = tmp.resolve("out");
      CliRun r = confide("run", "--application", "python", "--inputs", inputs.toString(), "--outputs", out.toString(),
          "--cas", "mine", "--json");
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode json = r.json();
      assertThat(json.get("cas").asText()).isEqualTo("mine");
      assertThat(json.get("phases_ms").has("cas start")).isFalse();
      assertThat(Files.readString(out.resolve("done.txt"))).isEqualTo("done");
      String session = json.get("session").asText();
      assertThat(cas.client().volume(session, "outputs").tag().hex()).isEqualTo(json.get("volumes").get(1).get("new_tag").asText());
    }
    assertThat(tmp.resolve("data/embedded-cas")).as("no embedded CAS was started").doesNotExist();
  }
}
