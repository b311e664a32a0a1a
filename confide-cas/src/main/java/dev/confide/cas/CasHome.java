package dev.confide.cas;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The CAS's data folder (0700): its TLS identity ({@code tls/key.pem} 0600, {@code tls/cert.pem}),
 * its master key ({@code master-key.json} 0600), its audit signing key ({@code audit-key} 0600) and, by default, its H2 database ({@code cas.mv.db}).
 */
public record CasHome(Path dir, TlsIdentity identity, MasterKey masterKey, AuditKey auditKey, boolean created) {

  /** Opens {@code dir}, creating everything on first start. */
  public static CasHome open(Path dir, String... serverNames) throws IOException {
    PrivateFiles.ownerOnlyDirectory(dir);
    Path tls = dir.resolve("tls");
    boolean created = !TlsIdentity.existsIn(tls);
    TlsIdentity identity = created ? TlsIdentity.create(tls, "confide-cas", serverNames) : TlsIdentity.load(tls);
    return new CasHome(dir, identity, MasterKey.in(dir), AuditKey.in(dir), created);
  }

  @Override
  public String toString() {
    return "CasHome[" + dir + "]";
  }
}
