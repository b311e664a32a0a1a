package dev.confide.testing;

import java.util.ArrayList;
import java.util.List;

/** Every string of up to a few characters from a small alphabet: the paths a rule must read as a slower reference reads them. */
public final class ShortStrings {
  private ShortStrings() {}

  /** Every string over {@code alphabet} of length 0 to {@code maxLength}, shortest first. */
  public static List<String> upTo(int maxLength, char... alphabet) {
    List<String> all = new ArrayList<>(List.of(""));
    int from = 0;
    for (int length = 1; length <= maxLength; length++) {
      int to = all.size();
      for (int i = from; i < to; i++) {
        for (char c : alphabet) {
          all.add(all.get(i) + c);
        }
      }
      from = to;
    }
    return all;
  }
}
