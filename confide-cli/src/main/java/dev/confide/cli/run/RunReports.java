package dev.confide.cli.run;

import dev.confide.cli.Output;
import dev.confide.runtime.RunReport;
import dev.confide.volume.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The summary of a run, for people and for {@code --json}. */
public final class RunReports {
  private RunReports() {}

  /** Lines of a failed program's log shown with its failure. */
  static final int LOG_TAIL = 20;

  /** {@code extra} fields (the user's side of a run) come after the runtime's; {@code phases} in milliseconds. */
  static void print(Output out, RunReport r, Map<String, Object> extra, Map<String, Long> phases) {
    print(out, null, r, null, extra, phases);
  }

  /**
   * As {@link #print(Output, RunReport, Map, Map)}, the program's log named where the user finds it
   * ({@code hostLog}: in the unsealed outputs; null: the path the runtime gave). A program that
   * exited non-zero is said to have failed on {@code err}, with the last {@link #LOG_TAIL} lines of
   * its log, and in JSON as {@code "failure": "program"} (Confide's own failures say {@code "confide"}).
   */
  static void print(Output out, java.io.PrintWriter err, RunReport r, java.nio.file.Path hostLog, Map<String, Object> extra,
      Map<String, Long> phases) {
    List<Map<String, Object>> volumes = new ArrayList<>();
    for (RunReport.VolumeOutcome v : r.volumes()) {
      volumes.add(Output.fields("volume", v.volume(), "path", v.path(), "old_tag", hex(v.oldTag()), "new_tag", hex(v.newTag()),
          "committed", v.committed()));
    }
    Map<String, Object> fields = Output.fields("attestation", r.platform(), "protection", r.protection(), "session", r.session(), "service", r.service(),
        "measurement", r.measurement(), "executable", r.executable(), "exit_code", r.exitCode());
    if (out.json()) {
      fields.put("volumes", volumes);
    } else {
      for (RunReport.VolumeOutcome v : r.volumes()) {
        fields.put("volume " + v.volume(), v.committed() ? short12(v.oldTag()) + " -> " + short12(v.newTag()) : "read-only, " + short12(v.oldTag()));
      }
    }
    fields.put("program_log", hostLog != null ? hostLog.toString() : r.log());
    List<String> tail = r.exitCode() == 0 || hostLog == null ? List.of() : tail(hostLog);
    RunReport.MemoryUse memory = r.memory();
    if (memory != null) {
      fields.put("memory", out.json() ? Output.fields("limit_bytes", memory.limitBytes(), "peak_bytes", memory.peakBytes(),
          "oom_killed", memory.oomKilled()) : "at most " + MemorySize.mib(memory.peakBytes()) + " of its "
          + MemorySize.mib(memory.limitBytes()) + " limit" + (memory.oomKilled() ? ", ended by the kernel's OOM killer" : ""));
    }
    if (r.exitCode() != 0) {
      fields.put("failure", memory != null && memory.oomKilled() ? "out_of_memory" : "program");
      if (out.json()) {
        fields.put("log_tail", tail);
      }
    }
    fields.putAll(extra);
    if (out.json()) {
      fields.put("phases_ms", phases);
    } else {
      StringBuilder line = new StringBuilder();
      phases.forEach((k, v) -> line.append(line.isEmpty() ? "" : ", ").append(k).append(' ').append(v).append(" ms"));
      fields.put("time", line.toString());
    }
    out.report((r.exitCode() == 0 ? "ran " : "ran (program exited with " + r.exitCode() + ") ")
        + r.session() + "/" + r.service() + " confidentially", fields);
    if (r.exitCode() != 0 && err != null && !out.json() && memory != null && memory.oomKilled()) {
      err.println("confide: the program ran out of memory: the kernel's OOM killer ended it at its limit of "
          + MemorySize.mib(memory.limitBytes()) + " (it used " + MemorySize.mib(memory.peakBytes()) + "); give it more with"
          + " --memory SIZE");
    }
    if (r.exitCode() != 0 && err != null && !out.json()) {
      err.println("confide: the program failed (exit code " + r.exitCode() + ")" + (tail.isEmpty() ? "" : "; the last "
          + tail.size() + " lines of its log, " + hostLog + ":"));
      tail.forEach(line -> err.println("  " + line));
      err.flush();
    }
  }

  /** The last {@link #LOG_TAIL} lines of {@code log}; none when it cannot be read. */
  private static List<String> tail(java.nio.file.Path log) {
    try (var lines = java.nio.file.Files.lines(log, java.nio.charset.StandardCharsets.UTF_8)) {
      java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
      lines.forEach(l -> {
        if (last.size() == LOG_TAIL) {
          last.removeFirst();
        }
        last.addLast(l.length() > 500 ? l.substring(0, 500) + "…" : l);
      });
      return List.copyOf(last);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }

  private static String short12(Tag tag) {
    return tag == null ? "(new)" : tag.hex().substring(0, 12) + "…";
  }

  /** A tag as the report's JSON spells it: its hex, or null. */
  private static String hex(Tag tag) {
    return tag == null ? null : tag.hex();
  }
}
