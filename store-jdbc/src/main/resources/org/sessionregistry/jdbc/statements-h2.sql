-- Session Registry, JDBC store: the statements it runs on H2 2.x that differ between databases, over the schema
-- of schema-h2.sql; the portable ones are in statements.sql.

-- name: delete_one
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM OLD TABLE (DELETE FROM sr_sessions
WHERE user_id = :userId AND id = :id
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))

-- name: delete_all
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM OLD TABLE (DELETE FROM sr_sessions
WHERE user_id = :userId
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))

-- name: delete_all_except
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM OLD TABLE (DELETE FROM sr_sessions
WHERE user_id = :userId AND id <> :keep
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))

-- name: raise_generation
-- Revoke-all without reading: one row whatever the number of sessions. Every session below the new generation is
-- revoked at once; purge_pending tells delete_revoked to delete their rows later.
MERGE INTO sr_users u USING (VALUES (CAST(:userId AS VARCHAR(255)))) AS v(user_id) ON u.user_id = v.user_id
WHEN MATCHED THEN UPDATE SET generation = u.generation + 1, purge_pending = TRUE
WHEN NOT MATCHED THEN INSERT (user_id, generation, purge_pending) VALUES (v.user_id, 1, TRUE)

-- name: purge_expired
-- Live sessions past their retain-until (revoked ones go silently, in delete_revoked). Purgers on several nodes take
-- rows in index order and wait for each other.
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM OLD TABLE (DELETE FROM sr_sessions
                WHERE retain_until < :now
                  AND generation >= COALESCE((SELECT u.generation FROM sr_users u
                                              WHERE u.user_id = sr_sessions.user_id), 0)
                FETCH FIRST :limit ROWS ONLY)

-- name: delete_revoked
DELETE FROM sr_sessions WHERE user_id = :userId AND generation < :generation FETCH FIRST :limit ROWS ONLY

-- name: lock_user
-- A create within a limit first takes its user's row (made if missing; the update changes nothing), so that creates
-- and revoke-alls of the same user queue behind it, in one transaction with the next statements (H2 runs in the
-- application's JVM: no statement crosses a network).
MERGE INTO sr_users u USING (VALUES (CAST(:userId AS VARCHAR(255)))) AS v(user_id) ON u.user_id = v.user_id
WHEN MATCHED THEN UPDATE SET generation = u.generation
WHEN NOT MATCHED THEN INSERT (user_id, generation, purge_pending) VALUES (v.user_id, 0, FALSE)

-- name: make_room
-- The user's live sessions beyond the newest :keep (last activity, then creation, then id), so that one more fits.
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM OLD TABLE (DELETE FROM sr_sessions
                WHERE id IN (SELECT id FROM sr_sessions
                             WHERE user_id = :userId AND retain_until >= :now
                               AND generation >= COALESCE((SELECT u.generation FROM sr_users u
                                                           WHERE u.user_id = :userId), 0)
                             ORDER BY last_activity_at DESC, create_at DESC, id DESC OFFSET :keep ROWS))

-- name: insert_unless_full
-- The new session, unless the user has :max live sessions already (then no row: the create is refused).
INSERT INTO sr_sessions (id, token_hash, user_id, create_at, expires_at, last_activity_at, retain_until, device_id,
    roles, props, generation)
SELECT CAST(:id AS VARCHAR(26)), CAST(:tokenHash AS BINARY(32)), CAST(:userId AS VARCHAR(255)), :createAt, :expiresAt,
    :lastActivityAt, :retainUntil, CAST(:deviceId AS VARCHAR(512)), CAST(:roles AS VARCHAR(256)),
    CAST(:props AS CHARACTER VARYING(1000000)),
    COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
WHERE (SELECT COUNT(*) FROM sr_sessions
       WHERE user_id = :userId AND retain_until >= :now
         AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)) < :max

-- name: keep_one
-- Revoke-all-except without reading, after raise_generation in the same transaction: the kept session joins the new
-- generation (if it was live), the others stay below it. One row written whatever the number of sessions.
UPDATE sr_sessions SET generation = (SELECT u.generation FROM sr_users u WHERE u.user_id = :userId)
WHERE user_id = :userId AND id = :keep
  AND generation >= (SELECT u.generation FROM sr_users u WHERE u.user_id = :userId) - 1

-- name: end_device
-- A create replacing its device's sessions, after lock_user in the same transaction: the user's sessions of that device.
-- Unless the create will be refused (the user's other live sessions fill its limit, :refuseAt): then it ends nothing.
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM OLD TABLE (DELETE FROM sr_sessions
WHERE user_id = :userId AND device_id = :deviceId
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
  AND (SELECT COUNT(*) FROM sr_sessions o
       WHERE o.user_id = :userId AND o.device_id <> :deviceId AND o.retain_until >= :now
         AND o.generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))
      < :refuseAt)
