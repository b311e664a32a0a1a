package dev.confide.cli.cas;

import dev.confide.cas.AuditChain;
import dev.confide.cas.api.AuditEntry;
import dev.confide.cas.api.AuditLog;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.KeyDigests;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code confide cas audit [--verify]}: prints the audit log and checks its chain and signatures. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Print the CAS's audit log; with --verify check every entry's hash chain and signature.")
public final class CasAuditCommand implements Callable<Integer> {
  private static final int PAGE = 1000;

  @Mixin CasChoice cas;

  @Option(names = "--verify", description = "Check that no entry was deleted, changed or reordered.")
  boolean verify;

  @Option(names = "--embedded", description = "Read the log of the CAS that 'confide run' starts inside itself.")
  boolean embedded;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!embedded) {
      try (CasClient client = cas.open(spec)) {
        return print(client);
      }
    }
    ConfideDirs dirs = Main.dirs(spec);
    if (!java.nio.file.Files.isDirectory(EmbeddedCas.dataDir(dirs))) {
      throw new CliFailure(ExitCodes.NO_INPUT, "no_embedded_cas", "there is no embedded CAS yet (" + EmbeddedCas.dataDir(dirs) + ")",
          "it is created by the first 'confide run' without --cas");
    }
    try (EmbeddedCas local = EmbeddedCas.start(dirs, CasConnections.identity(dirs.identity()))) {
      return print(local.client());
    }
  }

  private int print(CasClient client) {
    List<AuditEntry> entries = new ArrayList<>();
    AuditLog page;
    long after = 0;
    do {
      page = client.audit(after, PAGE);
      entries.addAll(page.entries());
      if (!page.entries().isEmpty()) {
        after = page.entries().getLast().seq();
      }
    } while (page.entries().size() == PAGE);
    AuditLog log = page.withEntries(entries);
    Optional<String> problem = Optional.empty();
    AuditHeads heads = AuditHeads.of(Main.dirs(spec));
    String casKey = KeyDigests.keyHash(client.serverKey());
    Optional<AuditHeads.Head> before = Optional.empty();
    if (verify) {
      problem = AuditChain.verify(log, client.serverKey());
      // the head verified last time, kept outside the CAS's database: the log must still reach it
      before = heads.read(casKey);
      if (problem.isEmpty() && before.isPresent()) {
        AuditHeads.Head then = before.get();
        problem = AuditChain.extendsHead(log, then.seq(), then.hash())
            .map(p -> p + " (verified at " + then.verifiedAt() + ")");
      }
      if (problem.isEmpty()) {
        heads.remember(casKey, new AuditHeads.Head(log.headSeq(), log.headHash(), Instant.now().toString()));
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (common.json) {
      out.println(Output.json(Output.fields("entries", entries, "head_seq", page.headSeq(), "head_hash", page.headHash(),
          "verified", verify ? problem.isEmpty() : null, "problem", problem.orElse(null),
          "verified_before", before.map(AuditHeads.Head::seq).orElse(null))));
    } else {
      for (AuditEntry e : entries) {
        out.printf("%6d  %s  %-15s  %-8.8s  %s  %s%n", e.seq(), e.at(), e.kind(), e.principal(), e.subject(), e.detail());
      }
      if (verify && problem.isEmpty()) {
        out.printf("audit log intact: %d entries, chained and signed by the CAS key, ending at head %d; %s%n",
            entries.size(), page.headSeq(), before.isPresent()
                ? "it still holds entry " + before.get().seq() + " as verified at " + before.get().verifiedAt()
                : "first verification here: its head is remembered in " + heads.file(casKey));
      }
    }
    out.flush();
    if (problem.isPresent()) {
      throw new CliFailure(ExitCodes.INTEGRITY, "audit_tampered", "the audit log was tampered with: " + problem.get(),
          "restore the CAS database from a backup and find out who had access to it"
              + (before.isPresent() ? "; if the CAS was reset on purpose, delete " + heads.file(casKey) : ""));
    }
    return ExitCodes.OK;
  }
}
