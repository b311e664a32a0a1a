-- Confide CAS schema, portable between H2 and PostgreSQL: text as VARCHAR, bytes as base64 text.

CREATE TABLE sessions (
  name        VARCHAR(600) PRIMARY KEY,
  hash        VARCHAR(64) NOT NULL,
  predecessor VARCHAR(64),
  creator     VARCHAR(64) NOT NULL,
  document    VARCHAR(1000000) NOT NULL,
  updated_at  VARCHAR(40) NOT NULL
);

-- every version a session ever had, so pinned exports and predecessors can be checked
CREATE TABLE session_versions (
  hash        VARCHAR(64) PRIMARY KEY,
  name        VARCHAR(600) NOT NULL,
  document    VARCHAR(1000000) NOT NULL,
  created_at  VARCHAR(40) NOT NULL
);

CREATE TABLE secrets (
  session     VARCHAR(600) NOT NULL,
  name        VARCHAR(64) NOT NULL,
  kind        VARCHAR(16) NOT NULL,
  origin      VARCHAR(16) NOT NULL,
  spec_digest VARCHAR(64) NOT NULL,
  sealed      VARCHAR(100000) NOT NULL,
  PRIMARY KEY (session, name)
);

CREATE TABLE volumes (
  session       VARCHAR(600) NOT NULL,
  name          VARCHAR(64) NOT NULL,
  update_policy VARCHAR(32) NOT NULL,
  sealed_key    VARCHAR(200) NOT NULL,
  tag           VARCHAR(64),
  generation    BIGINT NOT NULL,
  PRIMARY KEY (session, name)
);

CREATE TABLE audit (
  seq        BIGINT PRIMARY KEY,
  at         VARCHAR(40) NOT NULL,
  kind       VARCHAR(32) NOT NULL,
  principal  VARCHAR(64) NOT NULL,
  subject    VARCHAR(700) NOT NULL,
  detail     VARCHAR(4000) NOT NULL,
  prev_hash  VARCHAR(64) NOT NULL,
  hash       VARCHAR(64) NOT NULL,
  signature  VARCHAR(200) NOT NULL
);

-- one row: the last entry; locking it serialises appends across every CAS process on the database
CREATE TABLE audit_head (
  id    INT PRIMARY KEY,
  seq   BIGINT NOT NULL,
  hash  VARCHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
