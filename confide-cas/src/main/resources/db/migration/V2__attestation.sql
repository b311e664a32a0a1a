-- Attestation: single-use nonces and the run tokens handed to attested runtimes.

CREATE TABLE nonces (
  nonce      VARCHAR(64) PRIMARY KEY,
  expires_at BIGINT NOT NULL,
  used       INT NOT NULL
);

-- only the SHA-256 of a token is kept: the database alone cannot be used to swap tags
CREATE TABLE run_tokens (
  token_hash VARCHAR(64) PRIMARY KEY,
  session    VARCHAR(600) NOT NULL,
  service    VARCHAR(64) NOT NULL,
  expires_at BIGINT NOT NULL
);
