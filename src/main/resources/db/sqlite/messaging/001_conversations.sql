-- Conversations hold only what servers may see: who takes part, wrapped session keys (opaque to the
-- server), and ciphertexts. The conversation's key version only grows.
CREATE TABLE conversations (
  conversation_id TEXT PRIMARY KEY,
  creator TEXT NOT NULL,
  key_version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE conversation_participants (
  conversation_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  joined_at TEXT NOT NULL,
  removed_at TEXT,
  last_read_seq BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user ON conversation_participants (user_id);
-- Session keys wrapped for this node's users, one per user and key version.
CREATE TABLE conversation_keys (
  conversation_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  key_version INTEGER NOT NULL,
  encrypted_session_key TEXT NOT NULL,
  PRIMARY KEY (conversation_id, user_id, key_version)
);
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  key_version INTEGER NOT NULL,
  payload TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE UNIQUE INDEX messages_id ON messages (conversation_id, message_id);
CREATE INDEX messages_conversation_seq ON messages (conversation_id, seq);
