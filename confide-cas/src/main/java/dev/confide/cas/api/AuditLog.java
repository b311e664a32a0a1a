package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A slice of the audit log and the head (last sequence number and hash) the CAS holds. */
public record AuditLog(
    List<AuditEntry> entries,
    @JsonProperty("head_seq") long headSeq,
    @JsonProperty("head_hash") String headHash) {}
