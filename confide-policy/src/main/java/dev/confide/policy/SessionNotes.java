package dev.confide.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * What a valid session holds that Confide keeps without acting on here: SCONE's file shields
 * (the CAS refuses to start or open what they protect), services that admit only SGX evidence
 * (refused on every other kind), SCONE quoting enclave keys (SGX only). {@code confide session
 * lint} shows them, so a policy author learns before a run is refused.
 */
public final class SessionNotes {
  private static final String NO_SCONE_SHIELD = "since Confide's runtime cannot open SCONE's file shield";

  private SessionNotes() {}

  public static List<String> of(Session session) {
    List<String> notes = new ArrayList<>();
    for (Service s : session.services()) {
      if (s.sconeFileShield()) {
        notes.add("service '" + s.name() + "': its fspf_tag is a SCONE file shield's (16 bytes): kept, and the CAS refuses to"
            + " start it, " + NO_SCONE_SHIELD);
      }
      if (!s.attestation().isEmpty() && s.attestation().stream().allMatch(Service.AttestationAlternative::sgx)) {
        notes.add("service '" + s.name() + "': every attestation alternative names SGX-only fields (mrsigner, isvprodid, isvsvn,"
            + " platforms): kept, and a run on SEV-SNP, TDX or simulated evidence is refused naming SGX");
      }
    }
    for (VolumeSpec v : session.volumes()) {
      if (v.sconeFileShield()) {
        notes.add("volume '" + v.name() + "': its fspf_tag is a SCONE file shield's (16 bytes): kept, and the CAS refuses to"
            + " open it, " + NO_SCONE_SHIELD);
      }
    }
    if (session.security().attestation().trustedSconeQePubkeys() != null) {
      notes.add("security.attestation.trusted_scone_qe_pubkeys: kept for SGX quotes; without effect on SEV-SNP, TDX or"
          + " simulated evidence");
    }
    return List.copyOf(notes);
  }
}
