-- The feed walks posts newest first and stops after a page: by time, not by author.
CREATE INDEX posts_created ON posts (created_at);
