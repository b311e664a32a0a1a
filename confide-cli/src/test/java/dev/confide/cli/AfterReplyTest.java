package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A command's resources close at once in a JVM of its own, and after the reply in the daemon: every one, last first. */
class AfterReplyTest {
  @Test
  void aJvmOfItsOwnClosesAtOnce() throws Exception {
    List<String> closed = new ArrayList<>();
    AfterReply.NOW.close(() -> closed.add("cas"));
    assertThat(closed).containsExactly("cas");
  }

  @Test
  void theDaemonClosesAfterTheReplyLastFirstAndAFailureStopsNoOther() throws Exception {
    List<String> closed = new ArrayList<>();
    AfterReply after = AfterReply.afterTheReply();
    after.close(() -> closed.add("first"));
    after.close(() -> {
      throw new IllegalStateException("jetty would not stop");
    });
    after.close(() -> closed.add("last"));
    assertThat(closed).as("nothing before the reply").isEmpty();
    StringWriter log = new StringWriter();
    after.closeAll(new PrintWriter(log));
    assertThat(closed).containsExactly("last", "first");
    assertThat(log.toString()).contains("jetty would not stop");
    after.closeAll(new PrintWriter(log));
    assertThat(closed).as("each closed once").hasSize(2);
  }
}
