-- Every social envelope sent, signed, per destination, kept for a while after delivery: what
-- content_sync answers a node that was away longer than the outbox retries (PROTOCOL.md 5.3).
CREATE TABLE sync_log (
  seq BIGSERIAL PRIMARY KEY,
  destination TEXT NOT NULL,
  envelope_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX sync_log_destination ON sync_log (destination, seq);
