-- Envelopes received from other nodes: (origin, envelope_id) makes delivery idempotent.
CREATE TABLE inbound_envelopes (
  origin TEXT NOT NULL,
  envelope_id TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (origin, envelope_id)
);
-- The answer given to each transaction, so a repeated txnId gets the first answer again.
CREATE TABLE inbound_transactions (
  origin TEXT NOT NULL,
  txn_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (origin, txn_id)
);
-- Envelopes waiting to be delivered, written in the same transaction as the change that causes them.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  destination TEXT NOT NULL,
  envelope_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT
);
CREATE INDEX outbox_due ON outbox (status, destination, seq);
