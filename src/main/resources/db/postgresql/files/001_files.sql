-- Files of this node's users, end-to-end encrypted by their browsers: the bytes live on disk under the
-- data directory by their generated id (never a name a client gave); here only what the node needs:
-- size, how much arrived, the encrypted name and type (opaque to the node), the owner, the times.
CREATE TABLE files (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  size BIGINT NOT NULL,
  received BIGINT NOT NULL,
  encrypted_name TEXT NOT NULL,
  encrypted_type TEXT,
  chunks BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX files_owner ON files (owner, created_at);
