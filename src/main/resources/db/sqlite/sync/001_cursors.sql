-- How far this node has caught up with each node it asked content_sync of.
CREATE TABLE sync_cursors (
  domain TEXT PRIMARY KEY,
  cursor TEXT NOT NULL,
  synced_at TEXT NOT NULL
);
