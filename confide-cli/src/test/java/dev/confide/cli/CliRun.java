package dev.confide.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One {@code confide} command line run in this JVM against the given folders: its exit code and what it printed. */
public record CliRun(int code, String out, String err) {
  public static CliRun of(ConfideDirs dirs, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), dirs);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** As {@link #of(ConfideDirs, String...)}, with what a daemon would give the command besides its words. */
  public static CliRun of(Invocation invocation, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), invocation);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Standard output as JSON (for {@code --json}). */
  public JsonNode json() throws IOException {
    return new ObjectMapper().readTree(out);
  }
}
