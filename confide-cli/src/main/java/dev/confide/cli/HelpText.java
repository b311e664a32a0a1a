package dev.confide.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Whole sentences in {@code --help}: picocli prints each element of a command's description on
 * a line of its own, and the source splits long sentences over several elements; an element that
 * does not end a sentence is joined to the next, so that picocli wraps the paragraph as one.
 */
final class HelpText {
  private HelpText() {}

  /** Joins every command's description under {@code root} (included) into whole sentences. */
  static void wholeSentences(CommandLine root) {
    var usage = root.getCommandSpec().usageMessage();
    usage.description(paragraphs(usage.description()));
    for (CommandLine sub : root.getSubcommands().values()) {
      wholeSentences(sub);
    }
  }

  /** {@code lines} with every line that does not end a sentence joined to the one after it. */
  static String[] paragraphs(String[] lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = null;
    for (String line : lines) {
      current = current == null ? new StringBuilder(line.strip()) : current.append(' ').append(line.strip());
      if (endsSentence(current)) {
        out.add(current.toString());
        current = null;
      }
    }
    if (current != null) {
      out.add(current.toString());
    }
    return out.toArray(String[]::new);
  }

  private static boolean endsSentence(CharSequence s) {
    String t = s.toString().stripTrailing();
    return t.isEmpty() || t.endsWith(".") || t.endsWith("!") || t.endsWith("?") || t.endsWith(".)") || t.endsWith(":");
  }
}
