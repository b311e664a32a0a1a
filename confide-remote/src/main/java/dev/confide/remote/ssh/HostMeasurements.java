package dev.confide.remote.ssh;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.confide.cas.common.PrivateFiles;
import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The programs the user confirmed on each remote host, in {@code host-measurements.toml} (0600)
 * in the configuration folder: {@code [HOST.APP]} with the {@code executable}'s path there and its
 * {@code sha256}, as the host's runtime measured it when the user said yes (like a host key in
 * {@code known_hosts}), and each measured tree's digest as {@code "tree:PATH"}. What is recorded is
 * the program, not the whole measurement: installing a
 * new runtime must not ask again for every application, and the runtime is the one Confide sent.
 * Under {@code [HOST."@runtime"]} it keeps the digest the host's runtime last gave itself, by the
 * folder it was installed in, so that a run need not ask the host again.
 */
public final class HostMeasurements {
  /** What was confirmed for one application on one host. */
  public record Confirmed(String executable, String sha256, Map<String, String> trees) {
    public Confirmed {
      trees = trees == null ? Map.of() : Map.copyOf(trees);
    }

    /** Whether {@code m} is this program, with these trees. */
    public boolean matches(dev.confide.attest.Measurement m) {
      Map<String, String> measured = new TreeMap<>();
      m.trees().forEach(t -> measured.put(t.path(), t.digest()));
      return sha256.equals(m.executableDigest()) && executable.equals(m.executable().toString()) && trees.equals(measured);
    }

    /** The measurement of this program under the runtime whose digest is {@code runtimeDigest}. */
    public dev.confide.attest.Measurement measurement(String runtimeDigest) {
      return dev.confide.attest.Measurement.of(runtimeDigest, Path.of(executable), sha256,
          trees.entrySet().stream().map(e -> new dev.confide.attest.MeasuredTree(e.getKey(), e.getValue())).toList());
    }
  }

  private static final String TREE = "tree:";

  private final Path file;
  private final TomlMapper toml = new TomlMapper();

  public HostMeasurements(Path configDir) {
    this.file = configDir.resolve("host-measurements.toml");
  }

  public Path file() {
    return file;
  }

  public Optional<Confirmed> find(String host, String application) throws IOException {
    Map<String, String> t = read().getOrDefault(host, Map.of()).get(application);
    if (t == null) {
      return Optional.empty();
    }
    Map<String, String> trees = new TreeMap<>();
    t.forEach((k, v) -> {
      if (k.startsWith(TREE)) {
        trees.put(k.substring(TREE.length()), v);
      }
    });
    return Optional.of(new Confirmed(t.get("executable"), t.get("sha256"), trees));
  }

  /** The key under a host's table that holds its runtime's digest, apart from the applications' names. */
  private static final String RUNTIME = "@runtime";

  /** The digest the runtime installed on {@code host} as {@code installId} measured itself with, when it was seen. */
  public Optional<String> runtimeDigest(String host, String installId) throws IOException {
    Map<String, String> t = read().getOrDefault(host, Map.of()).get(RUNTIME);
    return t != null && installId.equals(t.get("id")) ? Optional.ofNullable(t.get("digest")) : Optional.empty();
  }

  /** Records the digest the runtime installed on {@code host} as {@code installId} gave itself. */
  public void recordRuntime(String host, String installId, String digest) throws IOException {
    record(host, RUNTIME, Map.of("id", installId, "digest", digest));
  }

  public void record(String host, String application, Confirmed confirmed) throws IOException {
    Map<String, String> values = new TreeMap<>(Map.of("executable", confirmed.executable(), "sha256", confirmed.sha256()));
    confirmed.trees().forEach((path, digest) -> values.put(TREE + path, digest));
    record(host, application, values);
  }

  private void record(String host, String key, Map<String, String> values) throws IOException {
    PrivateFiles.directory(file.getParent());
    PrivateFiles.locked(file.resolveSibling(file.getFileName() + ".lock"), () -> {
      Map<String, Map<String, Map<String, String>>> doc = read();
      doc.computeIfAbsent(host, h -> new TreeMap<>()).put(key, new LinkedHashMap<>(new TreeMap<>(values)));
      PrivateFiles.write(file, toml.writeValueAsBytes(doc));
      return null;
    });
  }

  /** Forgets every application confirmed on {@code host} (the host was removed). */
  public void forget(String host) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    PrivateFiles.locked(file.resolveSibling(file.getFileName() + ".lock"), () -> {
      Map<String, Map<String, Map<String, String>>> doc = read();
      if (doc.remove(host) != null) {
        PrivateFiles.write(file, toml.writeValueAsBytes(doc));
      }
      return null;
    });
  }

  private Map<String, Map<String, Map<String, String>>> read() throws IOException {
    if (!Files.exists(file)) {
      return new TreeMap<>();
    }
    try {
      Map<String, Map<String, Map<String, String>>> doc = toml.readValue(PrivateFiles.read(file), new TypeReference<>() {});
      return doc == null ? new TreeMap<>() : new TreeMap<>(doc);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new JobException(ExitCodes.DATA, "bad_measurements_file", file + " is not a measurements file: "
          + e.getOriginalMessage(), "fix it, or remove it and confirm the hosts' programs again with 'confide host check NAME'");
    }
  }
}
