package dev.confide.cli.attest;

import dev.confide.attest.AttestationException;
import dev.confide.attest.snp.SnpCollateral;
import dev.confide.attest.snp.SnpPolicy;
import dev.confide.attest.snp.SnpReport;
import dev.confide.attest.snp.SnpTcb;
import dev.confide.attest.snp.SnpVerifier;
import dev.confide.attest.tdx.TdxCollateral;
import dev.confide.attest.tdx.TdxPolicy;
import dev.confide.attest.tdx.TdxQuote;
import dev.confide.attest.tdx.TdxVerifier;
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
    description = {"Verify hardware evidence as the CAS would: an AMD SEV-SNP report (the 1184 bytes the guest's firmware",
        "wrote) or an Intel TDX quote. It prints the measurement, the report data, the TCB, the debug bit, each",
        "certificate of the chain with its validity, and every check in order up to the first that failed. Collateral",
        "(AMD VCEKs and VLEKs; Intel TCB Info, QE Identity, CRLs and the TCB signing chain) comes from --collateral",
        "or from what 'confide cas collateral import' stored; nothing is fetched from the network."})
public final class AttestVerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The report.")
  Path file;

  @Option(names = "--kind", paramLabel = "KIND", description = "snp or tdx (default: told from the file's bytes).")
  String kind;

  @Option(names = "--collateral", paramLabel = "DIR",
      description = "A folder of VCEK and VLEK certificates, DER or PEM (default: the CAS's imported collateral).")
  Path collateral;

  @Option(names = "--at", paramLabel = "TIME",
      description = "Verify as at TIME (2025-06-01 or 2025-06-01T12:00:00Z) instead of now: for old evidence and tests.")
  String at;

  @Option(names = "--measurement", paramLabel = "HEX",
      description = "A launch measurement (SEV-SNP) or MRTD (TDX) the evidence must have (96 hex digits); repeatable.")
  List<String> measurements = new ArrayList<>();

  @Option(names = "--report-data", paramLabel = "HEX", description = "The report data the report must carry (128 hex digits).")
  String reportData;

  @Option(names = "--vmpl", paramLabel = "N", description = "SEV-SNP: the VMPL the report must come from (default: 0).")
  Integer vmpl;

  @Option(names = "--rtmr", paramLabel = "N=HEX", description = "TDX: the value RTMR N (0-3) must hold; repeatable.")
  Map<Integer, String> rtmr = new LinkedHashMap<>();

  @Option(names = "--ignore-advisory", paramLabel = "ID", description = "TDX: an Intel advisory to accept (or *); repeatable.")
  List<String> ignoreAdvisories = new ArrayList<>();

  @Option(names = "--min-tcb", paramLabel = "SPEC",
      description = "The minimum TCB, as bl=3,tee=0,snp=8,ucode=115 (and fmc=N on Turin).")
  String minTcb;

  @Option(names = "--tolerate", paramLabel = "WEAKNESS", split = ",",
      description = "Accept a weakness: debug-mode (the host may read the guest), outdated-tcb; for TDX also"
          + " insecure-configuration and software-hardening-needed.")
  List<String> tolerate = new ArrayList<>();

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Instant when = time();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.NO_INPUT, "unreadable_evidence", "cannot read " + file + ": " + e.getMessage(),
          "give the report's or quote's file");
    }
    String k = kind != null ? kind : detect(bytes);
    if (!k.equals("snp") && !k.equals("tdx")) {
      throw new CliFailure(ExitCodes.USAGE, "unknown_kind", "'" + k + "' is not an evidence kind this version verifies", "give --kind snp or tdx");
    }
    Set<String> weaknesses = k.equals("snp") ? Set.of(SnpPolicy.DEBUG_MODE, SnpPolicy.OUTDATED_TCB)
        : Set.of(TdxPolicy.DEBUG_MODE, TdxPolicy.OUTDATED_TCB, TdxPolicy.INSECURE_CONFIGURATION, TdxPolicy.SOFTWARE_HARDENING_NEEDED);
    for (String t : tolerate) {
      if (!weaknesses.contains(t)) {
        throw new CliFailure(ExitCodes.USAGE, "bad_tolerate", "'" + t + "' is not a weakness " + (k.equals("snp") ? "an SEV-SNP report"
            : "a TDX quote") + " can have", "give " + String.join(", ", new java.util.TreeSet<>(weaknesses)));
      }
    }
    for (String m : measurements) {
      if (!m.matches("[0-9a-f]{96}")) {
        throw new CliFailure(ExitCodes.USAGE, "bad_measurement", "'" + m + "' is not a " + (k.equals("snp") ? "launch measurement"
            : "MRTD"), "give 96 lower-case hex digits");
      }
    }
    if (reportData != null && !reportData.matches("[0-9a-f]{1,128}")) {
      throw new CliFailure(ExitCodes.USAGE, "bad_report_data", "'" + reportData + "' is not report data",
          "give up to 128 lower-case hex digits (its start is compared)");
    }
    boolean snpOnly = vmpl != null || minTcb != null;
    boolean tdxOnly = !rtmr.isEmpty() || !ignoreAdvisories.isEmpty();
    if (k.equals("snp") && tdxOnly || k.equals("tdx") && snpOnly) {
      throw new CliFailure(ExitCodes.USAGE, "option_for_other_kind", (k.equals("snp") ? "--rtmr and --ignore-advisory are for TDX quotes"
          : "--vmpl and --min-tcb are for SEV-SNP reports") + ", and " + file + " is " + (k.equals("snp") ? "an SEV-SNP report" : "a TDX quote"),
          "leave them out");
    }
    Path keys = collateral != null ? collateral : Main.dirs(spec).collateral();
    if (collateral != null && !Files.isDirectory(collateral)) {
      throw new CliFailure(ExitCodes.NO_INPUT, "no_collateral", "the collateral folder " + collateral + " does not exist",
          "give the folder you fetched the collateral into");
    }
    return k.equals("snp") ? snp(bytes, keys, when) : tdx(bytes, keys, when);
  }

  /** SEV-SNP reports are 1184 bytes with version 2-5 in their first u32; TDX quotes start with u16 4 or 5, u16 2, u32 0x81. */
  static String detect(byte[] b) {
    java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (b.length >= 8 && (le.getShort(0) == 4 || le.getShort(0) == 5) && le.getShort(2) == 2 && le.getInt(4) == 0x81) {
      return "tdx";
    }
    if (b.length == SnpReport.SIZE) {
      return "snp";
    }
    throw new CliFailure(ExitCodes.DATA, "unknown_evidence", "the file is neither an SEV-SNP report (1184 bytes) nor a TDX quote",
        "give the report or quote as the guest produced it, or name its kind with --kind");
  }

  private int snp(byte[] bytes, Path keys, Instant when) throws Exception {
    SnpPolicy policy = new SnpPolicy(measurements.isEmpty() ? null : Set.copyOf(measurements), reportData, vmpl == null ? 0 : vmpl,
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

  private int tdx(byte[] bytes, Path keys, Instant when) throws Exception {
    for (var r : rtmr.entrySet()) {
      if (r.getKey() < 0 || r.getKey() > 3 || !r.getValue().matches("[0-9a-f]{96}")) {
        throw new CliFailure(ExitCodes.USAGE, "bad_rtmr", "'" + r.getKey() + "=" + r.getValue() + "' is not an RTMR value",
            "give N=HEX with N 0 to 3 and 96 lower-case hex digits");
      }
    }
    TdxPolicy policy = new TdxPolicy(measurements.isEmpty() ? null : Set.copyOf(measurements), rtmr, reportData, Set.copyOf(tolerate),
        Set.copyOf(ignoreAdvisories));
    List<dev.confide.attest.Check> log = new ArrayList<>();
    TdxVerifier.Verified verified = null;
    AttestationException failed = null;
    try {
      verified = new TdxVerifier(TdxCollateral.load(keys), when).verify(bytes, policy, log);
    } catch (AttestationException e) {
      failed = e;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", file.toString());
    out.put("kind", "tdx");
    out.put("verified", verified != null);
    out.put("at", when.toString());
    out.put("collateral", keys.toString());
    try {
      TdxQuote q = TdxQuote.parse(bytes);
      out.put("version", q.version());
      out.put("mrtd", q.mrTdHex());
      for (int i = 0; i < 4; i++) {
        out.put("rtmr" + i, q.rtmrHex(i));
      }
      out.put("report_data", q.reportDataHex());
      out.put("debug", q.debug());
      out.put("tee_tcb_svn", java.util.HexFormat.of().formatHex(q.teeTcbSvn()));
    } catch (AttestationException unparsed) {
      // the checks say why
    }
    if (verified != null) {
      out.put("fmspc", verified.pck().fmspc());
      out.put("tcb_status", verified.tcbStatus());
      out.put("qe_status", verified.qeStatus());
      out.put("advisories", verified.advisories());
      List<Map<String, Object>> chain = new ArrayList<>();
      String[] roles = {"PCK", "PCK CA", "root"};
      for (int i = 0; i < verified.chain().size(); i++) {
        java.security.cert.X509Certificate c = verified.chain().get(i);
        chain.add(Output.fields("role", roles[Math.min(i, 2)], "subject", c.getSubjectX500Principal().getName()
            .replaceAll(".*CN=([^,]*).*", "$1"), "not_before", c.getNotBefore().toInstant().toString(), "not_after",
            c.getNotAfter().toInstant().toString()));
      }
      out.put("chain", chain);
    }
    emit(out, log, "Intel TDX quote", List.of("version", "mrtd", "rtmr0", "rtmr1", "rtmr2", "rtmr3", "report_data", "debug",
        "tee_tcb_svn", "fmspc", "tcb_status", "qe_status", "advisories"));
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
    emit(out, log, "AMD SEV-SNP report", List.of("product", "version", "measurement", "report_data", "reported_tcb", "tcb_status",
        "debug", "vmpl", "policy", "signed_by", "chip_id"));
  }

  /** The result, for people (the fields, the chain, every check) or as one JSON object. */
  @SuppressWarnings("unchecked")
  private void emit(Map<String, Object> out, List<dev.confide.attest.Check> log, String what, List<String> shown) {
    List<Map<String, Object>> checks = new ArrayList<>();
    log.forEach(c -> checks.add(Output.fields("check", c.name(), "passed", c.passed(), "detail", c.detail())));
    out.put("checks", checks);
    log.stream().filter(c -> !c.passed()).findFirst().ifPresent(c -> out.put("failed", c.name()));
    PrintWriter w = spec.commandLine().getOut();
    if (common.json) {
      w.println(Output.json(out));
    } else {
      w.println((Boolean.TRUE.equals(out.get("verified")) ? "VERIFIED" : "REFUSED") + ": " + file + " (" + what + ") as at " + out.get("at"));
      for (String k : shown) {
        if (out.containsKey(k)) {
          w.printf("  %-12s  %s%n", k, out.get(k));
        }
      }
      if (out.get("chain") instanceof List<?> chain) {
        w.println("  chain:");
        for (Object o : chain) {
          Map<String, Object> c = (Map<String, Object>) o;
          w.printf("    %-6s  %-27s  %s .. %s%s%n", c.get("role"), c.get("subject"), c.get("not_before"), c.get("not_after"),
              c.containsKey("sha256") ? "  sha256 " + c.get("sha256") : "");
        }
      }
      w.println("  checks:");
      log.forEach(c -> w.printf("    %s %-12s %s%n", c.passed() ? "ok  " : "FAIL", c.name(), c.detail()));
    }
    w.flush();
  }
}
