package dev.confide.cli.session;

import dev.confide.cli.CliFailure;
import dev.confide.cli.ExitCodes;
import dev.confide.policy.PolicyException;
import dev.confide.policy.Session;
import dev.confide.policy.SessionParser;
import dev.confide.policy.SessionTemplate;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** A session file on the command line, with {@code -e VAR=VALUE} filling its template variables. */
public final class SessionFile {
  @Option(names = {"-e", "--env"}, paramLabel = "VAR=VALUE", description = "Fill $VAR / ${VAR} in the file (repeatable).")
  Map<String, String> values = new LinkedHashMap<>();

  /** The file's text with every variable filled. */
  String text(Path file) throws PolicyException {
    String raw;
    try {
      raw = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliFailure(ExitCodes.NO_INPUT, "missing_file", file + " does not exist", "check the path");
    } catch (MalformedInputException e) {
      throw new CliFailure(ExitCodes.DATA, "not_text", file + " is not UTF-8 text", "save the session as UTF-8");
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.NO_INPUT, "unreadable", "cannot read " + file + ": " + e.getMessage(), "check its permissions");
    }
    return SessionTemplate.fill(file.toString(), raw, values);
  }

  static Session parse(Path file, String text) throws PolicyException {
    return new SessionParser().parse(file.toString(), text);
  }

  /**
   * As {@link #parse}, for computing the session's hash here: refused when the session imports a
   * config-fragment into its policy, whose value (part of the hash) only the CAS knows.
   */
  static Session parseForHash(Path file, String text) throws PolicyException {
    return new SessionParser().parse(file.toString(), text, (importer, session, secret) -> {
      throw new dev.confide.cli.CliFailure(dev.confide.cli.ExitCodes.DATA, "hash_needs_cas", file + " imports config-fragment "
          + secret + " of session " + session + " into its policy, and its hash covers that value, which only the CAS knows",
          "create or update the session, then read its hash from the CAS: 'confide session show " + importer + "'");
    });
  }

  /** {@code text} with {@code predecessor: hash} added as its first top-level field. */
  static String withPredecessor(String text, String hash) {
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder(text.length() + 80);
    boolean inserted = false;
    for (String line : lines) {
      String t = line.strip();
      if (!inserted && !t.isEmpty() && !t.startsWith("#") && !t.startsWith("---") && !t.startsWith("%")) {
        out.append("predecessor: ").append(hash).append('\n');
        inserted = true;
      }
      out.append(line).append('\n');
    }
    return out.substring(0, out.length() - 1);
  }

  /** {@code line}, then a {@code note:} line for each of {@code notes} (what the session keeps without acting on here). */
  static String noted(String line, java.util.List<String> notes) {
    StringBuilder text = new StringBuilder(line);
    notes.forEach(n -> text.append(System.lineSeparator()).append("note: ").append(n));
    return text.toString();
  }
}
