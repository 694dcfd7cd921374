-- The node's own key pairs. Private halves are sealed by the crypto sandbox under the at-rest
-- master key, with the row's identity as associated data, so a sealed value copied into another
-- row does not open.
CREATE TABLE node_keys (
  key_id TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('sig', 'dh')),
  public_key TEXT NOT NULL,
  sealed_private TEXT NOT NULL,
  created_at TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  retired_at TEXT
);
CREATE INDEX node_keys_purpose ON node_keys (purpose, created_at);
