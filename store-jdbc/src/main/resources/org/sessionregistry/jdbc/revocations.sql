-- Session Registry, JDBC store: the statements of JdbcInvalidationChannel, over the sr_revocations table of the
-- schema scripts, the same on H2, PostgreSQL and MariaDB. Each statement is the text after its "-- name:" line, up to
-- the next one; :names are parameters.

-- name: publish
INSERT INTO sr_revocations (scope, target, created_at) VALUES (:scope, :target, :createdAt)

-- name: poll
-- A trailing window, so that a row committed late is still seen; the poller remembers what it delivered.
SELECT seq, scope, target, created_at FROM sr_revocations WHERE created_at >= :from ORDER BY seq

-- name: trim
DELETE FROM sr_revocations WHERE created_at < :before
