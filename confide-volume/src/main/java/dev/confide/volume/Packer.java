package dev.confide.volume;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Groups files, in the order they come, into the objects they are sealed in: a file larger than
 * {@link VolumeSealer.Packing#largestPackedFile} alone, smaller ones together up to
 * {@link VolumeSealer.Packing#packSize} bytes. Hands each group on as soon as it is complete.
 */
final class Packer {
  private final VolumeSealer.Packing packing;
  private final Consumer<List<SourceEntry>> object;
  private List<SourceEntry> pack = new ArrayList<>();
  private long packBytes;

  Packer(VolumeSealer.Packing packing, Consumer<List<SourceEntry>> object) {
    this.packing = packing;
    this.object = object;
  }

  void add(SourceEntry file) {
    if (file.size() > packing.largestPackedFile()) {
      object.accept(List.of(file));
      return;
    }
    if (!pack.isEmpty() && packBytes + file.size() > packing.packSize()) {
      object.accept(List.copyOf(pack));
      pack = new ArrayList<>();
      packBytes = 0;
    }
    pack.add(file);
    packBytes += file.size();
  }

  /** Hands on the last, partly filled pack. */
  void finish() {
    if (!pack.isEmpty()) {
      object.accept(List.copyOf(pack));
      pack = new ArrayList<>();
      packBytes = 0;
    }
  }
}
