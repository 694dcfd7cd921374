-- Where each message of this node's users stands with each other node it was sent to: pending until
-- that node accepted it (delivered) or refused it for good (failed): what the sender's app shows.
CREATE TABLE message_receipts (
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  domain TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (conversation_id, message_id, domain)
);
