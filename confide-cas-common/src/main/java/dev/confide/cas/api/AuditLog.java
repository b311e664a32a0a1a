package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A slice of the audit log, the head (last sequence number and hash) the CAS holds, and the key
 * that signs entries (raw Ed25519, base64) with the CAS TLS key's ECDSA signature over it.
 */
public record AuditLog(
    List<AuditEntry> entries,
    @JsonProperty("head_seq") long headSeq,
    @JsonProperty("head_hash") String headHash,
    String signer,
    @JsonProperty("signer_certification") String signerCertification) {

  /** The same log with other entries (a verifier assembles pages). */
  public AuditLog withEntries(List<AuditEntry> all) {
    return new AuditLog(all, headSeq, headHash, signer, signerCertification);
  }
}
