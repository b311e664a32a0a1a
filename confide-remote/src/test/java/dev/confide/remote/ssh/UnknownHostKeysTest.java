package dev.confide.remote.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Asking the user about an unknown host key: only a typed "yes" trusts it. */
class UnknownHostKeysTest {
  private static boolean answer(String typed, StringWriter shown) {
    return UnknownHostKeys.asking(new BufferedReader(new StringReader(typed)), new PrintWriter(shown))
        .trust("faye.example", 2222, "ecdsa-sha2-nistp256", "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
  }

  @Test
  void onlyYesTrustsTheKeyAndTheQuestionShowsItsFingerprint() {
    StringWriter shown = new StringWriter();
    assertThat(answer("yes\n", shown)).isTrue();
    assertThat(shown.toString()).contains("The authenticity of host '[faye.example]:2222' can't be established.")
        .contains("ecdsa-sha2-nistp256 key fingerprint is SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG.")
        .contains("(yes/no)?");
    for (String typed : new String[] {"no\n", "y\n", "YES please\n", "\n", ""}) {
      assertThat(answer(typed, new StringWriter())).as("'" + typed + "'").isFalse();
    }
    assertThat(answer("  yes  \n", new StringWriter())).isTrue();
  }
}
