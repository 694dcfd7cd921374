-- Posts of this node's users: their content stays here (seed 000 flow 3).
CREATE TABLE posts (
  id TEXT PRIMARY KEY,
  author TEXT NOT NULL,
  content TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'friends', 'private')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX posts_author ON posts (author, created_at);
-- What other nodes shared of their users' posts: metadata only (post_share), the content is read
-- from the author's node when a reader here asks for it, and never written here.
CREATE TABLE post_refs (
  author TEXT NOT NULL,
  post_id TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'friends')),
  digest TEXT NOT NULL,
  excerpt TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (author, post_id)
);
CREATE INDEX post_refs_created ON post_refs (created_at);
