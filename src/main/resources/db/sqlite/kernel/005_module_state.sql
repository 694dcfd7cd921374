-- Modules switched off while the node ran (plugins only): they stay off across restarts until switched on.
CREATE TABLE module_state (
  module TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL
);
