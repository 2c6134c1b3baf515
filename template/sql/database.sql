-- Database setup: connection settings every session of this database needs.
-- Loaded first by main.sql. PRAGMAs are per connection (except journal_mode,
-- which is stored in the file), so a client that opens the database directly
-- should run this file first, as `make run` does.

-- Enforce the foreign keys that models.sql declares (off by default in SQLite).
pragma foreign_keys = on;

-- Write-ahead logging: readers do not block the writer and vice versa.
pragma journal_mode = wal;

-- Safe with WAL and much faster than FULL.
pragma synchronous = normal;

-- Wait up to 5 s for a lock instead of failing at once with SQLITE_BUSY.
pragma busy_timeout = 5000;

-- Triggers in services.sql update the row that fired them: keep that from
-- re-firing the same triggers.
pragma recursive_triggers = off;
