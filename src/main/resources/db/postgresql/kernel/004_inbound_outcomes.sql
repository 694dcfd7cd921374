-- Each received envelope keeps the outcome of applying it (NULL until the module that owns its type has
-- applied it, or refused it for good), so a crash between storing and applying loses nothing: what is
-- stored but not applied is applied at start-up, and a repeat is answered with the recorded outcome.
-- seq keeps the order of arrival for that. Envelopes stored before this version were applied when received.
ALTER TABLE inbound_envelopes ADD COLUMN seq BIGSERIAL;
ALTER TABLE inbound_envelopes ADD COLUMN outcome TEXT DEFAULT '{"status":202}';
ALTER TABLE inbound_envelopes ALTER COLUMN outcome DROP DEFAULT;
CREATE INDEX inbound_unapplied ON inbound_envelopes (seq) WHERE outcome IS NULL;
