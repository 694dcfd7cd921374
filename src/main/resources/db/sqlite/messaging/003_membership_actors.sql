-- Who added each participant and who removed them: the timeline says "carol was added by alice",
-- and a removed member's list says who ended it for them.
ALTER TABLE conversation_participants ADD COLUMN added_by TEXT;
ALTER TABLE conversation_participants ADD COLUMN removed_by TEXT;
