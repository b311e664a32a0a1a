package dev.confide.remote.ssh;

import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An OpenSSH client configuration as one text MINA SSHD's parser reads: {@code Include} lines
 * replaced by the files they name (globs; relative paths under {@code ~/.ssh}, as ssh reads them;
 * at most 16 deep), and {@code Match host PATTERNS} / {@code Match all} sections turned into the
 * {@code Host} sections they amount to for a host named on the command line. A {@code Match} on
 * anything else ({@code exec}, {@code user}, {@code localuser}, ...) cannot be decided here: its
 * section is left out and said, never followed silently.
 */
final class SshConfigText {
  /**
   * The text, what of it was left out, and the {@code ProxyCommand}s as written: MINA's parser
   * splits a line at {@code =} and {@code ,}, which a command holds, so each stands in the text as
   * {@code @proxy-N}, its index here.
   */
  record Read(String text, List<String> ignored, List<String> proxyCommands) {
    /** The command a value of the parsed text stands for. */
    String proxyCommand(String value) {
      if (value == null || !value.strip().startsWith("@proxy-")) {
        return value;
      }
      return proxyCommands.get(Integer.parseInt(value.strip().substring("@proxy-".length())));
    }
  }

  private static final int MAX_DEPTH = 16;

  private SshConfigText() {}

  static Read read(Path config) throws IOException {
    StringBuilder text = new StringBuilder();
    List<String> ignored = new ArrayList<>();
    List<String> proxies = new ArrayList<>();
    append(config, text, ignored, proxies, 0);
    return new Read(text.toString(), List.copyOf(ignored), List.copyOf(proxies));
  }

  private static void append(Path file, StringBuilder text, List<String> ignored, List<String> proxies, int depth)
      throws IOException {
    if (depth > MAX_DEPTH) {
      throw new JobException(ExitCodes.DATA, "bad_ssh_config", file + " is included more than " + MAX_DEPTH + " deep",
          "an Include includes itself; fix it");
    }
    boolean skipping = false;
    int n = 0;
    for (String line : Files.readAllLines(file)) {
      n++;
      String trimmed = line.strip();
      String[] words = trimmed.split("[\\s=]+", 2);
      String keyword = words[0].toLowerCase(Locale.ROOT);
      String rest = words.length > 1 ? words[1].strip() : "";
      switch (keyword) {
        case "include" -> {
          for (String pattern : rest.split("\\s+")) {
            for (Path included : expand(pattern)) {
              append(included, text, ignored, proxies, depth + 1);
            }
          }
        }
        case "host" -> {
          skipping = false;
          text.append(line).append('\n');
        }
        case "match" -> {
          String[] criteria = rest.split("\\s+", 2);
          String what = criteria[0].toLowerCase(Locale.ROOT);
          if (what.equals("all")) {
            skipping = false;
            text.append("Host *\n");
          } else if (what.equals("host") && criteria.length == 2 && !criteria[1].isBlank()) {
            skipping = false;
            text.append("Host ").append(criteria[1].replace(',', ' ')).append('\n');
          } else {
            skipping = true;
            ignored.add("Match " + rest + " (" + file + " line " + n + ")");
          }
        }
        case "proxycommand" -> {
          if (!skipping) {
            proxies.add(rest);
            text.append("ProxyCommand @proxy-").append(proxies.size() - 1).append('\n');
          }
        }
        default -> {
          if (!skipping) {
            text.append(line).append('\n');
          }
        }
      }
    }
    // a section an included file opened ends with the file, as ssh reads it
    text.append("Host *\n");
  }

  private static List<Path> expand(String pattern) throws IOException {
    String p = pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
    Path path = Path.of(p);
    if (!path.isAbsolute()) {
      path = Path.of(System.getProperty("user.home"), ".ssh").resolve(path);
    }
    Path dir = path.getParent();
    String glob = path.getFileName().toString();
    if (!glob.contains("*") && !glob.contains("?") && !glob.contains("[")) {
      return Files.isRegularFile(path) ? List.of(path) : List.of();
    }
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> matcher.matches(f.getFileName()) && Files.isRegularFile(f)).sorted().toList();
    }
  }
}
