-- The registry's directory: public facts about nodes only, never user data.
CREATE TABLE registry_nodes (
  node_id TEXT PRIMARY KEY,
  domain TEXT NOT NULL UNIQUE,
  api_url TEXT NOT NULL,
  sig_key TEXT NOT NULL,
  dh_key TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_seen TEXT NOT NULL
);
-- Prefix search on domains (?q=) without a sequential scan.
CREATE INDEX registry_nodes_domain_prefix ON registry_nodes (domain text_pattern_ops);
