package dev.confide.remote.ssh;

import java.nio.file.Path;

/**
 * A remote host the user added: its name on the command line ({@code --host NAME}), where it is
 * reached, the private key file to log in with (a path, never the key; null: ssh-agent or the
 * defaults), and the folder on the host under which Confide keeps its runtime and run directories.
 */
public record HostProfile(String name, SshAddress address, Path identity, String remoteDir) {
  /** Where Confide keeps its things on a host unless told otherwise (relative to the login's home). */
  public static final String DEFAULT_REMOTE_DIR = ".confide";
}
