-- What happened for a user while they looked elsewhere: requests, acceptances, new followers, likes,
-- replies, messages (one row per conversation while unread, counting them). The newest 200 are kept.
CREATE TABLE notifications (
  id TEXT COLLATE "C" PRIMARY KEY,
  owner TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  data TEXT NOT NULL,
  count INTEGER NOT NULL,
  unread INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX notifications_owner ON notifications (owner, updated_at);
CREATE INDEX notifications_grouped ON notifications (owner, kind, subject, unread);
