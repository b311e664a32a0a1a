package dev.confide.cas;

import dev.confide.cas.common.PrivateFiles;
import dev.confide.cas.common.TlsIdentity;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The CAS's data folder (0700): its TLS identity ({@code tls/key.pem} 0600, {@code tls/cert.pem}),
 * its master key ({@code master-key.json} 0600), its audit signing key ({@code audit-key} 0600) and, by default, its H2 database ({@code cas.mv.db}).
 */
public record CasHome(Path dir, TlsIdentity identity, MasterKey masterKey, AuditKey auditKey, boolean created) {
  /** The file whose lock is held while the keys are read or made. */
  static final String LOCK = "keys.lock";

  /**
   * Opens {@code dir}, creating everything on first start. Several CASes opening a new folder at
   * once (two first runs, each with its embedded CAS) would each make keys and write them over one
   * another, leaving data sealed under a master key no file holds any more: the folder is locked
   * while its keys are read or made, so that the first makes them and the others read them.
   */
  public static CasHome open(Path dir, String... serverNames) throws IOException {
    PrivateFiles.ownerOnlyDirectory(dir);
    return PrivateFiles.locked(dir.resolve(LOCK), () -> {
      Path tls = dir.resolve("tls");
      boolean created = !TlsIdentity.existsIn(tls);
      TlsIdentity identity = created ? TlsIdentity.create(tls, "confide-cas", serverNames) : TlsIdentity.load(tls);
      return new CasHome(dir, identity, MasterKey.in(dir), AuditKey.in(dir), created);
    });
  }

  @Override
  public String toString() {
    return "CasHome[" + dir + "]";
  }
}
