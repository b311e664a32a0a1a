-- Who asked for each nonce (the client's address), so that no one caller can fill the table:
-- outstanding nonces are capped per caller and in total.
ALTER TABLE nonces ADD COLUMN caller VARCHAR(64);
CREATE INDEX nonces_caller ON nonces (caller, used, expires_at);
