package dev.confide.policy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * The YAML document of a session file: a session is one document. Empty documents around it
 * ({@code ---} with nothing after it, a trailing {@code ...}) are left out; a second document with
 * content is refused naming its line, and so is content after a document end marker ({@code ...}),
 * which would otherwise cut the session there or read as a syntax error elsewhere.
 */
final class YamlDocuments {
  private YamlDocuments() {}

  private record Document(int start, int end, int line, boolean content) {}

  /** The session's document (see {@link #session}) and whether it holds an alias ({@link YamlAliases}). */
  record Read(String text, boolean aliases) {}

  /**
   * {@code text} with only the session's document in it (the others' characters blanked, lines
   * kept, so that places stay right); {@code text} itself when YAML cannot read it (the parser
   * says why) or it holds one document. Read in the same pass: whether it holds an alias.
   */
  static Read session(String source, String text) throws PolicyException {
    List<Document> documents = new ArrayList<>();
    int start = 0;
    int line = 1;
    int nodes = 0;
    boolean empty = true;
    int endedAt = -1;
    boolean aliases = false;
    try {
      for (Event e : new Yaml(new LoaderOptions()).parse(new StringReader(text))) {
        if (e instanceof DocumentStartEvent) {
          start = e.getStartMark().getIndex();
          line = e.getStartMark().getLine() + 1;
          nodes = 0;
          empty = true;
        } else if (e instanceof DocumentEndEvent d) {
          documents.add(new Document(start, d.getEndMark().getIndex(), line, !empty));
          endedAt = d.getExplicit() ? d.getStartMark().getLine() + 1 : -1;
        } else if (!(e instanceof org.yaml.snakeyaml.events.StreamStartEvent) && !(e instanceof org.yaml.snakeyaml.events.StreamEndEvent)) {
          aliases = aliases || e instanceof org.yaml.snakeyaml.events.AliasEvent;
          nodes++;
          empty = empty && nodes == 1 && e instanceof ScalarEvent s && s.getValue().isEmpty() && s.getImplicit().canOmitTagInPlainScalar();
        }
      }
    } catch (MarkedYAMLException broken) {
      if (endedAt > 0 && broken.getProblemMark() != null && broken.getProblemMark().getLine() + 1 > endedAt) {
        throw new PolicyException(List.of(new PolicyProblem(new SourceLocation(source, broken.getProblemMark().getLine() + 1,
            broken.getProblemMark().getColumn() + 1), "the session ended at line " + endedAt + " ('...'), and more follows",
            "a session is one YAML document: remove the '...' line, or what follows it")), 0);
      }
      return new Read(text, false); // the parser names the syntax error
    } catch (RuntimeException unreadable) {
      return new Read(text, false);
    }
    List<Document> withContent = documents.stream().filter(Document::content).toList();
    if (withContent.size() > 1) {
      throw new PolicyException(List.of(new PolicyProblem(new SourceLocation(source, withContent.get(1).line(), 1),
          "the file holds " + withContent.size() + " YAML documents with content (the second starts here)",
          "a session is one document: put each session in a file of its own")), 0);
    }
    if (documents.size() <= 1 || withContent.isEmpty()) {
      return new Read(text, aliases);
    }
    Document kept = withContent.getFirst();
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(i >= kept.start() && i < kept.end() || c == '\n' ? c : ' ');
    }
    return new Read(out.toString(), aliases);
  }
}
