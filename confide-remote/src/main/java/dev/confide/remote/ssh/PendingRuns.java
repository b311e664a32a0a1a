package dev.confide.remote.ssh;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.confide.cas.common.PrivateFiles;
import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Remote runs whose outputs were committed at the CAS but not brought home (the connection was lost
 * after the commit): one file each, {@code DATA/remote-runs/SESSION.toml} (0600), naming the host,
 * the run's directory there, where the outputs were to go and which CAS the run used. {@code
 * confide runs list} shows them, {@code confide runs fetch SESSION} fetches, checks and unseals
 * them and removes the record. Nothing secret: keys stay at the CAS.
 */
public final class PendingRuns {
  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  /** A run left on a host; {@code cas} is null for the embedded CAS, else the pinned CAS's name. */
  public record Pending(String session, String host, String dir, Path outputs, String cas, String application) {}

  private final Path dir;
  private final TomlMapper toml = new TomlMapper();

  public PendingRuns(Path dataDir) {
    this.dir = dataDir.resolve("remote-runs");
  }

  public void add(Pending run) throws IOException {
    requireName(run.session());
    PrivateFiles.directory(dir);
    Map<String, String> t = new LinkedHashMap<>();
    t.put("session", run.session());
    t.put("host", run.host());
    t.put("dir", run.dir());
    t.put("outputs", run.outputs().toAbsolutePath().toString());
    if (run.cas() != null) {
      t.put("cas", run.cas());
    }
    t.put("application", run.application());
    PrivateFiles.write(dir.resolve(run.session() + ".toml"), toml.writeValueAsBytes(t));
  }

  public List<Pending> all() throws IOException {
    List<Pending> runs = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return runs;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".toml")).sorted().toList()) {
        runs.add(read(f));
      }
    }
    return runs;
  }

  public Optional<Pending> find(String session) throws IOException {
    requireName(session);
    Path f = dir.resolve(session + ".toml");
    return Files.exists(f) ? Optional.of(read(f)) : Optional.empty();
  }

  public void remove(String session) throws IOException {
    requireName(session);
    Files.deleteIfExists(dir.resolve(session + ".toml"));
  }

  private Pending read(Path f) throws IOException {
    try {
      Map<String, String> t = toml.readValue(PrivateFiles.read(f), new TypeReference<>() {});
      return new Pending(t.get("session"), t.get("host"), t.get("dir"), Path.of(t.get("outputs")), t.get("cas"),
          t.get("application"));
    } catch (com.fasterxml.jackson.core.JacksonException | NullPointerException e) {
      throw new JobException(ExitCodes.DATA, "bad_pending_run", f + " is not a record of a remote run", "remove it");
    }
  }

  private static void requireName(String session) {
    if (session == null || !SESSION.matcher(session).matches()) {
      throw new JobException(ExitCodes.USAGE, "bad_run_name", "'" + session + "' is not a run's name",
          "give one 'confide runs list' shows");
    }
  }
}
