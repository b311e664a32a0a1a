-- Sessions whose services need a one-time password (security.attestation.one_time_password_shared_secret):
-- the latest time step whose code was accepted (a code is accepted once, and never one of an
-- earlier step), and the wrong codes since, which pause the checks (RFC 4226 section 7.3).
CREATE TABLE otp_uses (
  session       VARCHAR(600) NOT NULL PRIMARY KEY,
  last_step     BIGINT NOT NULL,
  failures      INT NOT NULL,
  blocked_until BIGINT NOT NULL
);
