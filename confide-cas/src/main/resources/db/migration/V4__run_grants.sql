-- Run tokens are bound to the run's attested signing key and move each writable volume once;
-- volumes remember every tag they held, so none ever returns to one.

-- a bearer token without a key could still be replayed: tokens issued before this version end here
DELETE FROM run_tokens;
ALTER TABLE run_tokens ADD COLUMN run_key VARCHAR(200);

-- what one run may move: each volume its service mounts, the tag it was given, whether it may write it
CREATE TABLE run_volumes (
  token_hash VARCHAR(64) NOT NULL,
  volume     VARCHAR(64) NOT NULL,
  given_tag  VARCHAR(64),
  writable   INT NOT NULL,
  used       INT NOT NULL,
  PRIMARY KEY (token_hash, volume)
);

-- every tag a rollback-protected volume ever held
CREATE TABLE volume_tags (
  session VARCHAR(600) NOT NULL,
  volume  VARCHAR(64) NOT NULL,
  tag     VARCHAR(64) NOT NULL,
  PRIMARY KEY (session, volume, tag)
);
INSERT INTO volume_tags (session, volume, tag) SELECT session, name, tag FROM volumes WHERE tag IS NOT NULL;

CREATE INDEX nonces_expiry ON nonces (expires_at);
CREATE INDEX run_tokens_expiry ON run_tokens (expires_at);
