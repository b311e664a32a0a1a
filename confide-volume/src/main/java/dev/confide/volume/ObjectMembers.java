package dev.confide.volume;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The files stored in one object, in order of offset, and how refusals name them: "object for
 * /a" for a file with an object of its own, "object holding /a, /b, /c and 5 more files" for a pack.
 */
record ObjectMembers(ObjectRef ref, List<Entry.File> files) {
  ObjectMembers {
    files = List.copyOf(files);
  }

  /** Bytes of plaintext that belong to files (the rest is padding). */
  long usefulBytes() {
    Entry.File last = files.getLast();
    return last.offset() + last.size();
  }

  String describe() {
    return describe(files);
  }

  /** Names the files whose bytes lie in plaintext {@code [from, to)}. */
  String describe(long from, long to) {
    List<Entry.File> hit = files.stream()
        .filter(f -> f.offset() < to && f.offset() + Math.max(f.size(), 1) > from).toList();
    return describe(hit.isEmpty() ? List.of(files.getLast()) : hit);
  }

  private static String describe(List<Entry.File> named) {
    if (named.size() == 1) {
      return "object for " + EntryPath.display(named.getFirst().path());
    }
    String first = named.stream().limit(3).map(f -> EntryPath.display(f.path())).collect(Collectors.joining(", "));
    return "object holding " + first + (named.size() > 3 ? " and " + (named.size() - 3) + " more files" : "");
  }
}
