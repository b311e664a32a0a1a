package dev.confide.remote.ssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * A trust question put to the user at a terminal, as ssh puts one: the question's lines, then the
 * prompt; only "yes" is yes — anything else, or the end of input, is no.
 */
final class YesAtTerminal {
  private YesAtTerminal() {}

  static boolean ask(BufferedReader in, PrintWriter out, String prompt, String... lines) {
    for (String line : lines) {
      out.println(line);
    }
    out.print(prompt + " (yes/no)? ");
    out.flush();
    try {
      String answer = in.readLine();
      return answer != null && answer.strip().equals("yes");
    } catch (IOException e) {
      return false;
    }
  }
}
