package dev.confide.remote.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.MeasuredTree;
import dev.confide.attest.Measurement;
import dev.confide.remote.Application;
import dev.confide.remote.JobException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A remote host's program, confirmed once with the trees it loads from, and refused when any of them changes. */
class ConfirmedProgramsTest {
  @TempDir Path tmp;
  final List<Measurement> asked = new ArrayList<>();

  private static Measurement blender(String exe, String... trees) {
    List<MeasuredTree> t = new ArrayList<>();
    for (int i = 0; i < trees.length; i += 2) {
      t.add(new MeasuredTree(trees[i], trees[i + 1]));
    }
    return Measurement.of("0".repeat(64), Path.of("/usr/bin/blender"), exe, t);
  }

  @Test
  void treesAreConfirmedWithTheProgramAndAChangedTreeIsRefusedByName() throws Exception {
    ConfirmedPrograms programs = new ConfirmedPrograms(new HostMeasurements(tmp), (h, a, m) -> asked.add(m));
    Measurement first = blender("1".repeat(64), "/usr/share/blender", "2".repeat(64), "/usr/lib/python3.11", "3".repeat(64));
    programs.check("render", "blender", first);
    assertThat(asked).containsExactly(first);
    HostMeasurements.Confirmed confirmed = programs.confirmed("render", "blender").orElseThrow();
    assertThat(confirmed.trees()).containsEntry("/usr/share/blender", "2".repeat(64)).hasSize(2);
    assertThat(confirmed.measurement(first.runtimeDigest())).isEqualTo(first);
    programs.check("render", "blender", first); // the same: no question
    assertThat(asked).hasSize(1);
    Measurement changed = blender("1".repeat(64), "/usr/share/blender", "4".repeat(64), "/usr/lib/python3.11", "3".repeat(64));
    assertThatThrownBy(() -> programs.check("render", "blender", changed)).isInstanceOfSatisfying(JobException.class, e -> {
      assertThat(e.error()).isEqualTo("program_changed");
      assertThat(e.getMessage()).contains("tree /usr/share/blender sha256 " + "4".repeat(64))
          .contains("tree /usr/share/blender sha256 " + "2".repeat(64));
    });
  }

  @Test
  void theSameProgramMeasuredWithNewTreesIsAskedAboutAgain() throws Exception {
    ConfirmedPrograms programs = new ConfirmedPrograms(new HostMeasurements(tmp), (h, a, m) -> asked.add(m));
    programs.check("render", "blender", blender("1".repeat(64)));
    Measurement withTrees = blender("1".repeat(64), "/usr/share/blender", "2".repeat(64));
    programs.check("render", "blender", withTrees);
    assertThat(asked).hasSize(2).last().isEqualTo(withTrees);
    ConfirmedPrograms refusing = new ConfirmedPrograms(new HostMeasurements(tmp), ProgramApproval.REFUSE);
    assertThatThrownBy(() -> refusing.check("render", "blender", blender("1".repeat(64), "/usr/share/blender", "2".repeat(64),
        "/opt/more", "5".repeat(64)))).isInstanceOfSatisfying(JobException.class,
            e -> assertThat(e.error()).isEqualTo("program_unconfirmed"));
  }

  @Test
  void anApplicationThatMeasuresTreesItsSessionDoesNotNameIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("app.yaml"), """
        name: app
        executable: blender
        measured_trees: [/usr/share/blender]
        session: |
          name: $SESSION
        """);
    assertThatThrownBy(() -> Application.read(file)).isInstanceOfSatisfying(JobException.class, e -> {
      assertThat(e.error()).isEqualTo("bad_application");
      assertThat(e.getMessage()).contains("names measured_trees, but its session does not measure them");
      assertThat(e.hint()).contains("measured_trees: $MEASURED_TREES");
    });
    Files.writeString(file, Files.readString(file).replace("name: $SESSION", "name: $SESSION\n  x: $MEASURED_TREES"));
    assertThat(Application.read(file).measuredTreesValue()).isEqualTo("[\"/usr/share/blender\"]");
  }
}
