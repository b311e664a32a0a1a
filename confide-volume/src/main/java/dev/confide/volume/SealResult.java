package dev.confide.volume;

/** What a seal or update produced: the new state's tag and what it took. */
public record SealResult(VolumeId volumeId, long generation, Tag tag, long files, long bytes,
    long filesEncrypted, long filesReused) {}
