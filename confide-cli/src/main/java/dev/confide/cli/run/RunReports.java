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

  /** {@code extra} fields (the user's side of a run) come after the runtime's; {@code phases} in milliseconds. */
  static void print(Output out, RunReport r, Map<String, Object> extra, Map<String, Long> phases) {
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
    fields.put("program_log", r.log());
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
  }

  private static String short12(Tag tag) {
    return tag == null ? "(new)" : tag.hex().substring(0, 12) + "…";
  }

  /** A tag as the report's JSON spells it: its hex, or null. */
  private static String hex(Tag tag) {
    return tag == null ? null : tag.hex();
  }
}
