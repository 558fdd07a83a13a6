-- Session Registry, JDBC store: the statements it runs on H2 2.x that differ between databases, over the schema
-- of schema-h2.sql; the portable ones are in statements.sql.

-- name: delete_one
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props
FROM OLD TABLE (DELETE FROM sr_sessions
WHERE user_id = :userId AND id = :id
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))

-- name: delete_all
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props
FROM OLD TABLE (DELETE FROM sr_sessions
WHERE user_id = :userId
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))

-- name: delete_all_except
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props
FROM OLD TABLE (DELETE FROM sr_sessions
WHERE user_id = :userId AND id <> :keep
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))

-- name: raise_generation
-- Revoke-all without reading: one row whatever the number of sessions. Every session below the new generation is
-- revoked at once; purge_pending tells delete_revoked to delete their rows later.
MERGE INTO sr_users u USING (VALUES (CAST(:userId AS VARCHAR(26)))) AS v(user_id) ON u.user_id = v.user_id
WHEN MATCHED THEN UPDATE SET generation = u.generation + 1, purge_pending = TRUE
WHEN NOT MATCHED THEN INSERT (user_id, generation, purge_pending) VALUES (v.user_id, 1, TRUE)

-- name: purge_expired
-- Live sessions past their retain-until (revoked ones go silently, in delete_revoked). Purgers on several nodes take
-- rows in index order and wait for each other.
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, is_oauth, expired_notify, props
FROM OLD TABLE (DELETE FROM sr_sessions
                WHERE retain_until < :now
                  AND generation >= COALESCE((SELECT u.generation FROM sr_users u
                                              WHERE u.user_id = sr_sessions.user_id), 0)
                FETCH FIRST :limit ROWS ONLY)

-- name: delete_revoked
DELETE FROM sr_sessions WHERE user_id = :userId AND generation < :generation FETCH FIRST :limit ROWS ONLY
