package dev.confide.remote.ssh;

import dev.confide.cas.client.CasClient;
import dev.confide.remote.ApplicationRun;
import dev.confide.remote.JobException;
import dev.confide.remote.LocalRunDirectory;
import dev.confide.runtime.ExitCodes;
import dev.confide.volume.Modes;
import dev.confide.volume.Progress;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The committed outputs of a remote run fetched after the run ({@code confide runs fetch}): the
 * ciphertext downloaded from the run's directory, opened at the tag the CAS committed with the key
 * the CAS releases to the session's owner, unsealed, and the directory removed from the host.
 */
public final class RemoteOutputs {
  private RemoteOutputs() {}

  /** Fetches the outputs of {@code session} from {@code dir} on the host into {@code outputs}; the bytes downloaded. */
  public static long fetch(SshConnection ssh, CasClient cas, String session, String dir, Path outputs, Path dataDir,
      Progress progress) throws IOException {
    ApplicationRun.checkOutputs(outputs);
    Tag committed = cas.volume(session, "outputs").tag();
    if (committed == null) {
      throw new JobException(ExitCodes.NO_INPUT, "not_committed", "run " + session + " committed no outputs at the CAS",
          "there is nothing to fetch; run it again");
    }
    SymmetricKey key = cas.volumeKey(session, "outputs");
    long bytes;
    try (LocalRunDirectory local = LocalRunDirectory.onDisk(dataDir)) {
      Path fetched = local.dir().resolve("outputs");
      try {
        bytes = SftpTransfer.download(ssh.session(), dir + "/outputs", fetched, progress, "downloading the outputs of "
            + session + " from " + ssh.host().name());
      } catch (IOException e) {
        throw new JobException(ExitCodes.IO, "run_dir", "cannot get the outputs of " + session + " from " + ssh.host().name()
            + ": " + e.getMessage(), "check that " + dir + " is still there; run 'confide runs fetch " + session + "' again", e);
      }
      VolumeReader.load(fetched, key, committed).extractTo(outputs, Progress.NONE, Modes.WITHOUT_SET_ID);
    }
    ssh.removeQuietly(dir);
    return bytes;
  }
}
