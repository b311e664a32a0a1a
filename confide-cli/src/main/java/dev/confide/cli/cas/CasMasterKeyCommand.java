package dev.confide.cli.cas;

import dev.confide.cas.Database;
import dev.confide.cas.MasterKey;
import dev.confide.cas.MasterKeyRotation;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code confide cas master-key}: rotate the key every secret and volume key is sealed under,
 * without stopping the CAS (docs/cas-api.md, "Rotating the master key"): add a key, promote it,
 * rewrap every stored value, retire the old key.
 */
@Command(name = "master-key", mixinStandardHelpOptions = true,
    description = {"Rotate the CAS's master key: 'add' a key, 'promote' it once every replica has the new key file,",
        "'rewrap' every stored value under it once every replica runs with it, 'retire' the old key. 'list' shows",
        "the keys and how many stored values each one sealed."},
    subcommands = {CasMasterKeyCommand.ListKeys.class, CasMasterKeyCommand.Add.class, CasMasterKeyCommand.Promote.class,
        CasMasterKeyCommand.Rewrap.class, CasMasterKeyCommand.Retire.class})
public final class CasMasterKeyCommand {
  /** Where the CAS keeps its keys and data: the options every subcommand takes. */
  static final class Where {
    @Option(names = "--data", paramLabel = "DIR", description = "The CAS's data folder (default: ~/.local/share/confide/cas).")
    Path data;

    @Option(names = "--db", paramLabel = "JDBC_URL",
        description = "The CAS's PostgreSQL database (user and password from PGUSER/PGPASSWORD); default: H2 in DIR, which only a"
            + " stopped CAS leaves free.")
    String db;

    Path dir(CommandSpec spec) {
      Path dir = data != null ? data : Main.dirs(spec).casData();
      if (!Files.isRegularFile(dir.resolve("master-key.json"))) {
        throw new CliFailure(ExitCodes.NO_INPUT, "no_cas_data", dir + " holds no CAS master key",
            "give the data folder the CAS was started with (--data DIR)");
      }
      return dir;
    }

    MasterKeyRotation rotation(CommandSpec spec) {
      Path dir = dir(spec);
      try {
        return MasterKeyRotation.open(dir, db != null ? db : Database.h2Url(dir));
      } catch (RuntimeException | java.io.IOException e) {
        throw new CliFailure(ExitCodes.UNAVAILABLE, "database_unavailable", "cannot open the CAS's database: " + e.getMessage(),
            db == null ? "stop the CAS first (its H2 database admits one process), or pass --db for PostgreSQL"
                : "check --db, PGUSER and PGPASSWORD, and that the database is up");
      }
    }
  }

  /** The key a subcommand acts on: its id as 'list' prints it. */
  static final class KeyId {
    @Parameters(paramLabel = "ID", description = "The key's id (8 hex digits, as 'list' prints it).")
    String hex;

    long value() {
      if (!hex.matches("[0-9a-f]{8}")) {
        throw new CliFailure(ExitCodes.USAGE, "bad_key_id", "'" + hex + "' is not a key id",
            "give the 8 hex digits 'confide cas master-key list' prints");
      }
      return Long.parseLong(hex, 16);
    }
  }

  static List<Map<String, Object>> keys(MasterKey key, Map<Long, Long> counts) {
    List<Map<String, Object>> keys = new ArrayList<>();
    for (MasterKey.KeyInfo k : key.keys()) {
      Map<String, Object> f = Output.fields("id", k.hex(), "primary", k.primary());
      if (counts != null) {
        f.put("sealed_values", counts.getOrDefault(k.id(), 0L));
      }
      keys.add(f);
    }
    return keys;
  }

  static MasterKey changed(Path dir, Change change) {
    try {
      return change.apply();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, "bad_key_id", e.getMessage(), "see the keys with 'confide cas master-key list'");
    } catch (java.io.IOException e) {
      throw new CliFailure(ExitCodes.IO, "cannot_write", "cannot change the master key in " + dir + ": " + e.getMessage(),
          "check the folder's permissions");
    }
  }

  interface Change {
    MasterKey apply() throws java.io.IOException;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Show the keys (the primary seals) and how many stored values each one sealed.")
  static final class ListKeys implements Callable<Integer> {
    @Mixin Where where;
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Path dir = where.dir(spec);
      try (MasterKeyRotation rotation = where.rotation(spec)) {
        MasterKey key = MasterKey.load(dir);
        new Output(spec.commandLine().getOut(), common.json).report("master key of " + dir + ": " + key.keys().size() + " keys",
            Output.fields("keys", keys(key, rotation.sealedUnder())));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add a new key beside the primary. It seals nothing yet: copy the key file to every replica, restart",
          "each, then promote it."})
  static final class Add implements Callable<Integer> {
    @Mixin Where where;
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path dir = where.dir(spec);
      List<MasterKey.KeyInfo> before = changed(dir, () -> MasterKey.load(dir)).keys();
      MasterKey key = changed(dir, () -> MasterKey.add(dir));
      String added = key.keys().stream().filter(k -> !before.contains(k)).findFirst().orElseThrow().hex();
      new Output(spec.commandLine().getOut(), common.json).report("added key " + added + " to " + dir.resolve("master-key.json"),
          Output.fields("added", added, "keys", keys(key, null), "next", "copy " + dir.resolve("master-key.json")
              + " to every replica's data folder, restart each, then: confide cas master-key promote " + added));
      return ExitCodes.OK;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = {"Make key ID the primary: what the CAS seals from its next start on is sealed under it. Copy the",
          "key file to every replica and restart each, then rewrap."})
  static final class Promote implements Callable<Integer> {
    @Mixin KeyId id;
    @Mixin Where where;
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path dir = where.dir(spec);
      long keyId = id.value();
      MasterKey key = changed(dir, () -> MasterKey.promote(dir, keyId));
      new Output(spec.commandLine().getOut(), common.json).report("key " + id.hex + " is the primary of " + dir.resolve("master-key.json"),
          Output.fields("primary", id.hex, "keys", keys(key, null), "next", "copy the key file to every replica, restart each,"
              + " then: confide cas master-key rewrap"));
      return ExitCodes.OK;
    }
  }

  @Command(name = "rewrap", mixinStandardHelpOptions = true,
      description = {"Seal every stored secret and volume key again under the primary (while the CAS serves, on",
          "PostgreSQL). Run it once every replica has restarted with the promoted key."})
  static final class Rewrap implements Callable<Integer> {
    @Mixin Where where;
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (MasterKeyRotation rotation = where.rotation(spec)) {
        MasterKeyRotation.Rewrap r = rotation.rewrap();
        Map<Long, Long> left = rotation.sealedUnder();
        long other = left.entrySet().stream().filter(e -> e.getKey() != r.primary()).mapToLong(Map.Entry::getValue).sum();
        new Output(spec.commandLine().getOut(), common.json).report(String.format("rewrapped %d stored values under key %08x"
                + " (%d were already)%s", r.resealed(), r.primary(), r.unchanged(),
                other == 0 ? "" : "; " + other + " are still sealed under another key: a replica still runs with the old"
                    + " key file; restart it and rewrap again"),
            Output.fields("primary", String.format("%08x", r.primary()), "resealed", r.resealed(), "unchanged", r.unchanged(),
                "rewritten_meanwhile", r.rewrittenMeanwhile(), "under_other_keys", other));
        return other == 0 ? ExitCodes.OK : ExitCodes.TEMP_FAIL;
      }
    }
  }

  @Command(name = "retire", mixinStandardHelpOptions = true,
      description = {"Remove key ID, once no stored value is sealed under it (refused otherwise) and it is not the",
          "primary. Copy the key file to every replica afterwards."})
  static final class Retire implements Callable<Integer> {
    @Mixin KeyId id;
    @Mixin Where where;
    @Mixin CommonOptions common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Path dir = where.dir(spec);
      long keyId = id.value();
      try (MasterKeyRotation rotation = where.rotation(spec)) {
        long still = rotation.sealedUnder().getOrDefault(keyId, 0L);
        if (still > 0) {
          throw new CliFailure(ExitCodes.TEMP_FAIL, "key_in_use", still + " stored values are still sealed under key " + id.hex
              + "; without it they could not be opened", "promote another key, restart every replica with it, and run"
              + " 'confide cas master-key rewrap' first");
        }
      }
      MasterKey key = changed(dir, () -> MasterKey.retire(dir, keyId));
      new Output(spec.commandLine().getOut(), common.json).report("retired key " + id.hex + " from " + dir.resolve("master-key.json"),
          Output.fields("retired", id.hex, "keys", keys(key, null), "next", "copy the key file to every replica"));
      return ExitCodes.OK;
    }
  }
}
