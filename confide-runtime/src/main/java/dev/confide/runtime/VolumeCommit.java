package dev.confide.runtime;

import dev.confide.cas.api.RunConfiguration.Mount;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.api.TagSwap;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RunCredentials;
import dev.confide.cas.common.CasException;
import dev.confide.volume.PreparedUpdate;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeSealer;
import java.nio.file.Path;

/**
 * Seals a writable volume's staged tree as its next generation and moves its tag at the CAS with
 * the run token. The new generation is committed on the host (older data removed) only after the
 * CAS accepted the swap; a refused swap leaves the host's volume at its old state.
 */
final class VolumeCommit {
  private final CasClient cas;
  private final RunCredentials run;
  private final VolumeSealer sealer = new VolumeSealer();

  VolumeCommit(CasClient cas, RunCredentials run) {
    this.cas = cas;
    this.run = run;
  }

  /** The new tag; {@code opened} is the tag the volume was opened at (null: a new volume). */
  Tag commit(RunConfiguration config, Mount mount, Tag opened, Path staged, Path hostDir, Progress progress) {
    SymmetricKey key = mount.key();
    if (opened == null) {
      SealResult sealed = sealer.seal(staged, hostDir, key, progress);
      try {
        swap(config, mount, null, sealed.tag());
      } catch (RuntimeException e) {
        // the CAS never heard of this volume: what was just written would only be refused later
        try {
          dev.confide.volume.FileTrees.delete(hostDir, true);
        } catch (java.io.IOException ignored) {
          e.addSuppressed(ignored);
        }
        throw e;
      }
      return sealed.tag();
    }
    try (PreparedUpdate update = sealer.update(hostDir, staged, key, opened, progress)) {
      swap(config, mount, mount.tag(), update.result().tag());
      update.commit();
      return update.result().tag();
    }
  }

  private void swap(RunConfiguration config, Mount mount, Tag oldTag, Tag newTag) {
    try {
      cas.swap(run, config.session(), mount.volume(), new TagSwap(oldTag, newTag));
    } catch (CasException e) {
      if ("stale_tag".equals(e.error())) {
        throw new RuntimeFailure(RuntimeFailure.Kind.CONFLICT, "volume " + mount.volume() + " was not committed: "
            + e.getMessage(), "another run committed first; run again on the volume's current state", e);
      }
      throw e;
    }
  }
}
