-- Profiles of this node's users: what anyone may read (display name, bio, avatar re-encoded by the
-- node) and whether new followers wait for approval.
CREATE TABLE profiles (
  username TEXT PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  bio TEXT NOT NULL DEFAULT '',
  avatar_type TEXT,
  avatar TEXT,
  approve_followers INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
-- The social graph as each local user sees it: a friendship or a follow with someone (local or not),
-- asked by this side (out) or the other (in), pending until accepted. A friendship's two users each
-- have their row, on their own node; id is what the client API names a connection by.
CREATE TABLE connections (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  peer TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('friend', 'follow')),
  direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
  state TEXT NOT NULL CHECK (state IN ('pending', 'active')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (owner, peer, type, direction)
);
CREATE INDEX connections_peer ON connections (peer, owner);
-- Blocks where this node's user is either side: their own, or a block_notice from another node.
CREATE TABLE blocks (
  blocker TEXT NOT NULL,
  blocked TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (blocker, blocked)
);
CREATE INDEX blocks_blocked ON blocks (blocked, blocker);
