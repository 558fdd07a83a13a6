-- Session Registry, JDBC store: the statements it runs on MariaDB 10.6+ that differ between databases, over the schema
-- of schema-mariadb.sql; the portable ones are in statements.sql.

-- name: delete_one
DELETE FROM sr_sessions
WHERE user_id = :userId AND id = :id
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props

-- name: delete_all
DELETE FROM sr_sessions
WHERE user_id = :userId
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props

-- name: delete_all_except
DELETE FROM sr_sessions
WHERE user_id = :userId AND id <> :keep
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props

-- name: raise_generation
-- Revoke-all without reading: one row whatever the number of sessions. Every session below the new generation is
-- revoked at once; purge_pending tells delete_revoked to delete their rows later.
INSERT INTO sr_users (user_id, generation, purge_pending) VALUES (:userId, 1, TRUE)
ON DUPLICATE KEY UPDATE generation = generation + 1, purge_pending = TRUE

-- name: purge_expired
-- Live sessions past their retain-until (revoked ones go silently, in delete_revoked). MariaDB cannot DELETE ...
-- RETURNING from a locking subquery: purgers take rows in index order and wait for each other instead of skipping.
-- (No table alias: MariaDB's single-table DELETE takes none.)
DELETE FROM sr_sessions
WHERE retain_until < :now
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = sr_sessions.user_id), 0)
ORDER BY retain_until LIMIT :limit
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props

-- name: delete_revoked
DELETE FROM sr_sessions WHERE user_id = :userId AND generation < :generation LIMIT :limit
