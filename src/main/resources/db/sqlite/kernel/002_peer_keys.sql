-- Trust on first use: the signing key first seen for each remote domain. A new key replaces it
-- only when the domain's key document still lists this one or the registry shows the change.
CREATE TABLE peer_keys (
  domain TEXT PRIMARY KEY,
  node_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
