package dev.confide.volume;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decrypted manifest of one generation: every entry of the tree, parents before children.
 * The constructor enforces the invariants that keep extraction inside its destination: valid
 * paths, no duplicates, a root directory first, and every entry's parent a directory listed
 * before it (so no entry can be reached through a symbolic link).
 */
public record Manifest(long generation, VolumeId volumeId, int segmentSize, List<Entry> entries) {
  public Manifest {
    entries = List.copyOf(entries);
    if (generation < 1) {
      throw invalid("generation " + generation + " is not positive");
    }
    if (entries.isEmpty() || !(entries.getFirst() instanceof Entry.Directory root)
        || !root.path().isEmpty()) {
      throw invalid("it does not start with the root directory");
    }
    Set<String> directories = new HashSet<>();
    Set<String> seen = new HashSet<>();
    for (Entry e : entries) {
      String problem = EntryPath.problem(e.path());
      if (problem != null) {
        throw invalid("entry '" + e.path() + "' is refused: " + problem);
      }
      if (!seen.add(e.path())) {
        throw invalid("entry '" + e.path() + "' appears twice");
      }
      if (!e.path().isEmpty() && !directories.contains(EntryPath.parent(e.path()))) {
        throw invalid("entry '" + e.path() + "' has no directory entry for its parent "
            + "(it would be written through a link or into a missing folder)");
      }
      if ((e.mode() & ~07777) != 0) {
        throw invalid("entry '" + e.path() + "' has mode bits outside 07777");
      }
      if (e instanceof Entry.Directory) {
        directories.add(e.path());
      }
    }
    for (List<Entry.File> members : objects(entries).values()) {
      ObjectRef ref = members.getFirst().object();
      long end = 0;
      for (Entry.File f : members) {
        if (!f.object().equals(ref)) {
          throw invalid("entries '" + members.getFirst().path() + "' and '" + f.path()
              + "' describe object " + ref.id() + " differently");
        }
        if (f.offset() < end) {
          throw invalid("entry '" + f.path() + "' overlaps another file in object " + ref.id());
        }
        end = f.offset() + f.size();
      }
    }
  }

  /** Groups {@code entries}' files by object id (in order of first appearance), each by offset. */
  static Map<ObjectId, List<Entry.File>> objects(List<Entry> entries) {
    Map<ObjectId, List<Entry.File>> byObject = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (e instanceof Entry.File f) {
        byObject.computeIfAbsent(f.object().id(), k -> new ArrayList<>()).add(f);
      }
    }
    byObject.values().forEach(l -> l.sort(Comparator.comparingLong(Entry.File::offset)));
    return byObject;
  }

  /** The file entries of each object, by object id, in order of their offsets. */
  public Map<ObjectId, List<Entry.File>> objects() {
    return objects(entries);
  }

  private static VolumeException invalid(String why) {
    return new VolumeException(Failure.INTEGRITY, "the manifest is invalid: " + why,
        "the volume was crafted or corrupted; restore it from a trusted copy");
  }

  public Map<String, Entry> byPath() {
    Map<String, Entry> map = new HashMap<>();
    for (Entry e : entries) {
      map.put(e.path(), e);
    }
    return map;
  }

  public long fileCount() {
    return entries.stream().filter(e -> e instanceof Entry.File).count();
  }

  public long totalBytes() {
    return entries.stream().mapToLong(e -> e instanceof Entry.File f ? f.size() : 0).sum();
  }
}
