-- Feed pages are ordered by (created_at, id) so that posts of the same instant are never skipped at a
-- page's edge: the cursor names the last post's time and id, and the index walks that order. The
-- columns compare byte by byte ("C"), as SQLite and the node's own merge of local and shared posts do,
-- whatever the database's locale.
DROP INDEX posts_created;
ALTER TABLE posts ALTER COLUMN id TYPE TEXT COLLATE "C", ALTER COLUMN created_at TYPE TEXT COLLATE "C";
CREATE INDEX posts_created_id ON posts (created_at, id);
DROP INDEX post_refs_created;
ALTER TABLE post_refs ALTER COLUMN post_id TYPE TEXT COLLATE "C", ALTER COLUMN created_at TYPE TEXT COLLATE "C";
CREATE INDEX post_refs_created_id ON post_refs (created_at, post_id);
