-- The node's admins: who may list, disable and enable modules and read the metrics from afar.
ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
