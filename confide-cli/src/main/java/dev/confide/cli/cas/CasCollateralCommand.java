package dev.confide.cli.cas;

import dev.confide.attest.snp.SnpCollateral;
import dev.confide.attest.snp.SnpProduct;
import dev.confide.attest.snp.VekCertificate;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code confide cas collateral import DIR}: the VCEKs and VLEKs an operator fetched from AMD's KDS,
 * stored where the local CAS (and {@code attest verify}) look for them. The CAS never fetches
 * anything itself.
 */
@Command(name = "collateral", mixinStandardHelpOptions = true,
    description = "Store collateral for hardware evidence (AMD VCEKs and VLEKs; Intel TCB Info, QE Identity, CRLs) where the CAS reads it.",
    subcommands = {CasCollateralCommand.Import.class})
public final class CasCollateralCommand {
  /** {@code confide cas collateral import DIR}. */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Copy every VCEK and VLEK certificate (DER or PEM) found in the files of DIR into the CAS's collateral",
          "folder, one DER file each, and Intel's TCB Info, QE Identity, CRLs and TCB signing chain as they are; other",
          "files are listed as skipped. AMD's and Intel's roots are built in."})
  public static final class Import implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A folder of certificates fetched from AMD's KDS or a cloud provider.")
    Path dir;

    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!Files.isDirectory(dir)) {
        throw new CliFailure(ExitCodes.NO_INPUT, "no_collateral", dir + " is not a folder", "give the folder you fetched the certificates into");
      }
      Path store = Main.dirs(spec).collateral();
      Files.createDirectories(store);
      List<Map<String, Object>> imported = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          List<X509Certificate> certs = SnpCollateral.certificates(f);
          List<VekCertificate> keys = SnpCollateral.of(certs).keys();
          String intel = intel(f);
          if (intel != null) {
            // Intel's collateral is kept as it came: its signatures are over the exact bytes
            Path target = store.resolve("intel-" + f.getFileName());
            Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            imported.add(Output.fields("file", f.getFileName().toString(), "kind", intel, "stored_as", target.getFileName().toString()));
            continue;
          }
          if (keys.isEmpty()) {
            skipped.add(f.getFileName().toString());
          }
          for (VekCertificate k : keys) {
            String fingerprint = SnpProduct.fingerprintOf(k.certificate());
            Path target = store.resolve(k.kind().name().toLowerCase(java.util.Locale.ROOT) + "-" + fingerprint.substring(0, 16) + ".der");
            Path tmp = Files.createTempFile(store, ".import", ".der");
            Files.write(tmp, k.certificate().getEncoded());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            imported.add(Output.fields("file", f.getFileName().toString(), "kind", k.kind().name(), "product", k.productName(),
                "tcb", k.tcb().toString(), "valid_until", k.certificate().getNotAfter().toInstant().toString(), "stored_as",
                target.getFileName().toString()));
          }
        }
      }
      if (imported.isEmpty()) {
        throw new CliFailure(ExitCodes.DATA, "no_collateral", "no collateral in " + dir + " (skipped: " + String.join(", ", skipped) + ")",
            "fetch AMD's VCEKs from https://kdsintf.amd.com/vcek/v1/PRODUCT/CHIP_ID?... (DER), or Intel's TCB Info, QE Identity,"
                + " CRLs and TCB signing chain from its PCS");
      }
      Output out = new Output(spec.commandLine().getOut(), common.json);
      if (out.json()) {
        out.report("", Output.fields("collateral", store.toString(), "imported", imported, "skipped", skipped));
      } else {
        spec.commandLine().getOut().println("Imported " + imported.size() + " certificate(s) into " + store + ":");
        imported.forEach(i -> spec.commandLine().getOut().println("  " + i.get("kind") + (i.containsKey("product") ? " "
            + i.get("product") + " " + i.get("tcb") + ", valid until " + i.get("valid_until") : "") + " (" + i.get("file") + ")"));
        if (!skipped.isEmpty()) {
          spec.commandLine().getOut().println("Skipped (no collateral in them): " + String.join(", ", skipped));
        }
        spec.commandLine().getOut().flush();
      }
      return ExitCodes.OK;
    }
  }

  /** What Intel collateral {@code f} holds (TCB Info, QE Identity, CRL, TCB signing chain), or null. */
  static String intel(Path f) throws java.io.IOException {
    dev.confide.attest.tdx.TdxCollateral c = dev.confide.attest.tdx.TdxCollateral.of(List.of(f));
    if (!c.tcbInfos().isEmpty()) {
      return "Intel TCB Info (FMSPC " + c.tcbInfos().getFirst().value().path("fmspc").asText() + ")";
    }
    if (!c.qeIdentities().isEmpty()) {
      return "Intel QE Identity (" + c.qeIdentities().getFirst().value().path("id").asText() + ")";
    }
    if (!c.crls().isEmpty()) {
      return "Intel CRL (" + c.crls().getFirst().getIssuerX500Principal().getName().replaceAll(".*CN=([^,]*).*", "$1") + ")";
    }
    boolean signing = c.certificates().stream().anyMatch(x -> x.getSubjectX500Principal().getName().contains("CN=Intel SGX TCB Signing"));
    return signing ? "Intel TCB signing chain" : null;
  }
}
