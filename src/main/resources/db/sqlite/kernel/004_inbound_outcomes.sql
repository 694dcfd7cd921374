-- Each received envelope keeps the outcome of applying it (NULL until the module that owns its type has
-- applied it, or refused it for good), so a crash between storing and applying loses nothing: what is
-- stored but not applied is applied at start-up, and a repeat is answered with the recorded outcome.
-- seq keeps the order of arrival for that. Envelopes stored before this version were applied when received.
CREATE TABLE inbound_envelopes_v7 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  origin TEXT NOT NULL,
  envelope_id TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at TEXT NOT NULL,
  outcome TEXT,
  UNIQUE (origin, envelope_id)
);
INSERT INTO inbound_envelopes_v7 (origin, envelope_id, type, body, received_at, outcome)
  SELECT origin, envelope_id, type, body, received_at, '{"status":202}' FROM inbound_envelopes ORDER BY rowid;
DROP TABLE inbound_envelopes;
ALTER TABLE inbound_envelopes_v7 RENAME TO inbound_envelopes;
CREATE INDEX inbound_unapplied ON inbound_envelopes (seq) WHERE outcome IS NULL;
