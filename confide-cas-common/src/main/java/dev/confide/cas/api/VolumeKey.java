package dev.confide.cas.api;

import dev.confide.volume.SymmetricKey;

/**
 * A volume's key, released to a principal who may update its session (the volume's owner, as
 * SCONE shows a user the keys of their own volumes): what lets the user read a volume the CAS made
 * the key of, such as a run's outputs. Secret: it travels only in the response to that
 * principal's own authenticated request, and is never logged.
 */
public record VolumeKey(String session, String volume, SymmetricKey key) {
  @Override
  public String toString() {
    return "VolumeKey[" + session + "/" + volume + "]";
  }
}
