package dev.confide.attest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * Whose a file is. Key files, pins and identities are trusted only when the user running Confide
 * owns them: root following a link to another user's private file would otherwise take that user's
 * CAS pins or keys for its own.
 */
public final class FileOwners {
  private FileOwners() {}

  /** This process's user, as file owners are compared. */
  public static UserPrincipal caller(Path anyPathOnTheFileSystem) throws IOException {
    return anyPathOnTheFileSystem.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(Long.toString(new com.sun.security.auth.module.UnixSystem().getUid()));
  }

  /** The owner of {@code file} (links followed) when it is not the caller, else null. */
  public static UserPrincipal otherOwner(Path file) throws IOException {
    UserPrincipal owner = Files.getOwner(file);
    return owner.equals(caller(file)) ? null : owner;
  }
}
