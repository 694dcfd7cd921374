-- Feed pages are ordered by (created_at, id) so that posts of the same instant are never skipped at a
-- page's edge: the cursor names the last post's time and id, and the index walks that order.
DROP INDEX posts_created;
CREATE INDEX posts_created_id ON posts (created_at, id);
DROP INDEX post_refs_created;
CREATE INDEX post_refs_created_id ON post_refs (created_at, post_id);
