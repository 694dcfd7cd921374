-- Names of deleted accounts: never given again, so nobody can sign up as someone who left and
-- inherit what other nodes or people still associate with that id.
CREATE TABLE deleted_usernames (
  username TEXT PRIMARY KEY,
  deleted_at TEXT NOT NULL
);
