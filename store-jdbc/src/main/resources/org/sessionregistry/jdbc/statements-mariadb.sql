-- Session Registry, JDBC store: the statements it runs on MariaDB 10.6+ that differ between databases, over the schema
-- of schema-mariadb.sql; the portable ones are in statements.sql.

-- name: delete_one
DELETE FROM sr_sessions
WHERE user_id = :userId AND id = :id
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props

-- name: delete_all
DELETE FROM sr_sessions
WHERE user_id = :userId
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props

-- name: delete_all_except
DELETE FROM sr_sessions
WHERE user_id = :userId AND id <> :keep
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props

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
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props

-- name: delete_revoked
DELETE FROM sr_sessions WHERE user_id = :userId AND generation < :generation LIMIT :limit

-- name: lock_user
-- A create within a limit first takes its user's row (made if missing; the update changes nothing), so that creates
-- and revoke-alls of the same user queue behind it, in a transaction around the next statements, sent with them as
-- one round trip (the connection needs allowMultiQueries=true, which the store's own pool sets).
INSERT INTO sr_users (user_id, generation, purge_pending) VALUES (:userId, 0, FALSE)
ON DUPLICATE KEY UPDATE generation = generation

-- name: make_room
-- The user's live sessions beyond the newest :keep (last activity, then creation, then id), so that one more fits.
-- (A derived table: MariaDB takes no LIMIT in an IN subquery, nor the target table in its own DELETE's subquery.)
DELETE FROM sr_sessions
WHERE id IN (SELECT id FROM (SELECT id FROM sr_sessions
                             WHERE user_id = :userId AND retain_until >= :now
                               AND generation >= COALESCE((SELECT u.generation FROM sr_users u
                                                           WHERE u.user_id = :userId), 0)
                             ORDER BY last_activity_at DESC, create_at DESC, id DESC
                             LIMIT 18446744073709551615 OFFSET :keep) AS ended)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props

-- name: insert_unless_full
-- The new session, unless the user has :max live sessions already (then no row: the create is refused).
INSERT INTO sr_sessions (id, token_hash, user_id, create_at, expires_at, last_activity_at, retain_until, device_id,
    roles, props, generation)
SELECT :id, :tokenHash, :userId, :createAt, :expiresAt, :lastActivityAt, :retainUntil, :deviceId, :roles, :props,
    COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
FROM DUAL
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
-- (The lengths too: utf8mb4_bin pads with spaces, and would take "a " for "a".)
DELETE FROM sr_sessions
WHERE user_id = :userId AND device_id = :deviceId AND CHAR_LENGTH(device_id) = CHAR_LENGTH(:deviceId)
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
  AND (SELECT COUNT(*) FROM sr_sessions o
       WHERE o.user_id = :userId AND (o.device_id <> :deviceId OR CHAR_LENGTH(o.device_id) <> CHAR_LENGTH(:deviceId))
         AND o.retain_until >= :now
         AND o.generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))
      < :refuseAt
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
