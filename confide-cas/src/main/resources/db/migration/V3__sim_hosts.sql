-- Hosts whose simulated evidence a principal vouches for: a sim report counts for a session only
-- when its signing key is listed in the session (security.attestation.sim_hosts) or was registered
-- here by the session's creator. Anyone can make a key, so an unknown one proves nothing.
CREATE TABLE sim_hosts (
  registered_by VARCHAR(64) NOT NULL,
  key_hash      VARCHAR(64) NOT NULL,
  registered_at VARCHAR(40) NOT NULL,
  PRIMARY KEY (registered_by, key_hash)
);
