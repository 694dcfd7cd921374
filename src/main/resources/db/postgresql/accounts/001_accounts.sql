-- Local users. Passwords are Argon2id hashes; the server never holds a user's private keys, only
-- the public ones their client publishes.
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  sig_key TEXT,
  dh_key TEXT,
  keys_updated_at TEXT
);
-- Refresh tokens, stored as SHA-256 hashes. Each login starts a family; every refresh uses one token
-- and issues the next; a used token presented again revokes the whole family.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  family TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
-- Keys that sign access tokens: the newest signs, older ones verify until their tokens expired.
CREATE TABLE jwt_keys (
  kid TEXT PRIMARY KEY,
  sealed_private TEXT NOT NULL,
  public_pem TEXT NOT NULL,
  created_at TEXT NOT NULL,
  retire_at TEXT NOT NULL
);
