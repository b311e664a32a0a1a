package dev.confide.cli.attest;

import dev.confide.attest.AttestationException;
import dev.confide.attest.snp.SnpCollateral;
import dev.confide.attest.snp.SnpPolicy;
import dev.confide.attest.snp.SnpReport;
import dev.confide.attest.snp.SnpTcb;
import dev.confide.attest.snp.SnpVerifier;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code confide attest verify FILE}: what a CAS would conclude of a piece of hardware evidence —
 * the measurement, report data, TCB, debug bit, each certificate of the chain with its validity,
 * every check that held and the first that failed. Operators use it to see why a host is refused.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Verify an AMD SEV-SNP attestation report (the 1184 bytes the guest's firmware wrote) as the CAS would.",
        "It prints the measurement, the report data, the TCB, the debug bit, each certificate of the chain with its",
        "validity, and every check in order up to the first that failed. Collateral (VCEKs, VLEKs) comes from",
        "--collateral or from what 'confide cas collateral import' stored; nothing is fetched from the network."})
public final class AttestVerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The report.")
  Path file;

  @Option(names = "--kind", paramLabel = "KIND", description = "snp (the default, and the only kind verified yet).")
  String kind = "snp";

  @Option(names = "--collateral", paramLabel = "DIR",
      description = "A folder of VCEK and VLEK certificates, DER or PEM (default: the CAS's imported collateral).")
  Path collateral;

  @Option(names = "--at", paramLabel = "TIME",
      description = "Verify as at TIME (2025-06-01 or 2025-06-01T12:00:00Z) instead of now: for old evidence and tests.")
  String at;

  @Option(names = "--measurement", paramLabel = "HEX", description = "A launch measurement the report must have (96 hex digits); repeatable.")
  List<String> measurements = new ArrayList<>();

  @Option(names = "--report-data", paramLabel = "HEX", description = "The report data the report must carry (128 hex digits).")
  String reportData;

  @Option(names = "--vmpl", paramLabel = "N", description = "The VMPL the report must come from (default: ${DEFAULT-VALUE}).")
  int vmpl = 0;

  @Option(names = "--min-tcb", paramLabel = "SPEC",
      description = "The minimum TCB, as bl=3,tee=0,snp=8,ucode=115 (and fmc=N on Turin).")
  String minTcb;

  @Option(names = "--tolerate", paramLabel = "WEAKNESS", split = ",",
      description = "Accept a weakness: debug-mode (the hypervisor may read the guest), outdated-tcb.")
  List<String> tolerate = new ArrayList<>();

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!"snp".equals(kind)) {
      throw new CliFailure(ExitCodes.USAGE, "unknown_kind", "'" + kind + "' is not an evidence kind this version verifies"
          + ("tdx".equals(kind) ? " yet (TDX quotes come next)" : ""), "give --kind snp");
    }
    for (String t : tolerate) {
      if (!t.equals(SnpPolicy.DEBUG_MODE) && !t.equals(SnpPolicy.OUTDATED_TCB)) {
        throw new CliFailure(ExitCodes.USAGE, "bad_tolerate", "'" + t + "' is not a weakness an SEV-SNP report can have",
            "give debug-mode or outdated-tcb");
      }
    }
    for (String m : measurements) {
      if (!m.matches("[0-9a-f]{96}")) {
        throw new CliFailure(ExitCodes.USAGE, "bad_measurement", "'" + m + "' is not an SEV-SNP launch measurement",
            "give 96 lower-case hex digits");
      }
    }
    if (reportData != null && !reportData.matches("[0-9a-f]{128}")) {
      throw new CliFailure(ExitCodes.USAGE, "bad_report_data", "'" + reportData + "' is not report data", "give 128 lower-case hex digits");
    }
    Instant when = time();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.NO_INPUT, "unreadable_evidence", "cannot read " + file + ": " + e.getMessage(),
          "give the report's file");
    }
    Path keys = collateral != null ? collateral : Main.dirs(spec).collateral();
    if (collateral != null && !Files.isDirectory(collateral)) {
      throw new CliFailure(ExitCodes.NO_INPUT, "no_collateral", "the collateral folder " + collateral + " does not exist",
          "give the folder you fetched the VCEKs into");
    }
    SnpPolicy policy = new SnpPolicy(measurements.isEmpty() ? null : Set.copyOf(measurements), reportData, vmpl,
        minTcb == null ? null : tcb(minTcb), Set.copyOf(tolerate));
    List<dev.confide.attest.Check> log = new ArrayList<>();
    SnpVerifier.Verified verified = null;
    AttestationException failed = null;
    try {
      verified = new SnpVerifier(SnpCollateral.load(keys), when).verify(bytes, policy, log);
    } catch (AttestationException e) {
      failed = e;
    }
    print(bytes, verified, log, when, keys);
    if (failed != null) {
      throw failed;
    }
    return ExitCodes.OK;
  }

  private Instant time() {
    if (at == null) {
      return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }
    try {
      return at.length() == 10 ? LocalDate.parse(at).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new CliFailure(ExitCodes.USAGE, "bad_time", "'" + at + "' is not a time", "give 2025-06-01 or 2025-06-01T12:00:00Z");
    }
  }

  static SnpTcb tcb(String spec) {
    return SnpTcb.parse(spec).orElseThrow(() -> new CliFailure(ExitCodes.USAGE, "bad_tcb", "'" + spec + "' is not a TCB",
        "give bl=N,tee=N,snp=N,ucode=N (each 0-255; fmc=N too on Turin)"));
  }

  private void print(byte[] bytes, SnpVerifier.Verified v, List<dev.confide.attest.Check> log, Instant when, Path keys) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", file.toString());
    out.put("kind", "snp");
    out.put("verified", v != null);
    out.put("at", when.toString());
    out.put("collateral", keys.toString());
    try {
      SnpReport r = SnpReport.parse(bytes);
      out.put("version", r.version());
      out.put("measurement", r.measurementHex());
      out.put("report_data", r.reportDataHex());
      out.put("debug", r.debug());
      out.put("vmpl", r.vmpl());
      out.put("policy", "0x" + Long.toHexString(r.policy()));
      out.put("signed_by", r.signingKey().name());
      out.put("chip_id", r.chipIdHex());
      if (v != null) {
        out.put("product", v.product().title());
        out.put("reported_tcb", v.reportedTcb().toString());
        out.put("tcb_status", v.tcbOutdated() ? "outdated (tolerated)" : "up to date with the policy");
        List<Map<String, Object>> chain = new ArrayList<>();
        v.chain().forEach(c -> chain.add(Output.fields("role", c.role(), "subject", c.subject(), "not_before", c.notBefore().toString(),
            "not_after", c.notAfter().toString(), "sha256", c.sha256())));
        out.put("chain", chain);
      }
    } catch (AttestationException unparsed) {
      // the checks say why
    }
    List<Map<String, Object>> checks = new ArrayList<>();
    log.forEach(c -> checks.add(Output.fields("check", c.name(), "passed", c.passed(), "detail", c.detail())));
    out.put("checks", checks);
    log.stream().filter(c -> !c.passed()).findFirst().ifPresent(c -> out.put("failed", c.name()));
    PrintWriter w = spec.commandLine().getOut();
    if (common.json) {
      w.println(Output.json(out));
    } else {
      w.println((v != null ? "VERIFIED" : "REFUSED") + ": " + file + " (AMD SEV-SNP report) as at " + when);
      for (String k : List.of("product", "version", "measurement", "report_data", "reported_tcb", "tcb_status", "debug", "vmpl",
          "policy", "signed_by", "chip_id")) {
        if (out.containsKey(k)) {
          w.printf("  %-12s  %s%n", k, out.get(k));
        }
      }
      if (v != null) {
        w.println("  chain:");
        v.chain().forEach(c -> w.printf("    %-4s  %-15s  %s .. %s  sha256 %s%n", c.role(), c.subject(), c.notBefore(), c.notAfter(),
            c.sha256()));
      }
      w.println("  checks:");
      log.forEach(c -> w.printf("    %s %-12s %s%n", c.passed() ? "ok  " : "FAIL", c.name(), c.detail()));
    }
    w.flush();
  }
}
