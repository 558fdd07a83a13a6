-- Session Registry, JDBC store: the statements it runs on PostgreSQL 12+ that differ between databases, over the schema
-- of schema-postgresql.sql; the portable ones are in statements.sql.

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
ON CONFLICT (user_id) DO UPDATE SET generation = sr_users.generation + 1, purge_pending = TRUE

-- name: purge_expired
-- Live sessions past their retain-until (revoked ones go silently, in delete_revoked). SKIP LOCKED: purgers on
-- several nodes take different rows and never wait for each other.
DELETE FROM sr_sessions
WHERE id IN (SELECT id FROM sr_sessions
             WHERE retain_until < :now
               AND generation >= COALESCE((SELECT u.generation FROM sr_users u
                                           WHERE u.user_id = sr_sessions.user_id), 0)
             ORDER BY retain_until LIMIT :limit FOR UPDATE SKIP LOCKED)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props

-- name: delete_revoked
DELETE FROM sr_sessions
WHERE id IN (SELECT id FROM sr_sessions WHERE user_id = :userId AND generation < :generation LIMIT :limit)

-- name: lock_user
-- A create within a limit first takes its user's row (made if missing; the update changes nothing), so that creates,
-- revoke-alls and the next statement of the same user queue behind it; sent with the next statements as one round
-- trip, in one implicit transaction.
INSERT INTO sr_users (user_id, generation, purge_pending) VALUES (:userId, 0, FALSE)
ON CONFLICT (user_id) DO UPDATE SET generation = sr_users.generation

-- name: make_room
-- The user's live sessions beyond the newest :keep (last activity, then creation, then id), so that one more fits.
DELETE FROM sr_sessions
WHERE id IN (SELECT id FROM sr_sessions
             WHERE user_id = :userId AND retain_until >= :now
               AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
             ORDER BY last_activity_at DESC, create_at DESC, id DESC OFFSET :keep)
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props

-- name: insert_unless_full
-- The new session, unless the user has :max live sessions already (then no row: the create is refused).
INSERT INTO sr_sessions (id, token_hash, user_id, create_at, expires_at, last_activity_at, retain_until, device_id,
    roles, props, generation)
SELECT :id, :tokenHash, :userId, :createAt, :expiresAt, :lastActivityAt, :retainUntil, :deviceId, :roles, :props,
    COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
WHERE (SELECT COUNT(*) FROM sr_sessions
       WHERE user_id = :userId AND retain_until >= :now
         AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)) < :max

-- name: keep_one
-- Revoke-all-except without reading, in one statement: the user's generation goes up and the kept session (if it was
-- live) joins the new one; the others stay below it. Two rows written whatever the number of sessions.
WITH raised AS (
  INSERT INTO sr_users (user_id, generation, purge_pending) VALUES (:userId, 1, TRUE)
  ON CONFLICT (user_id) DO UPDATE SET generation = sr_users.generation + 1, purge_pending = TRUE
  RETURNING generation)
UPDATE sr_sessions SET generation = (SELECT generation FROM raised)
WHERE user_id = :userId AND id = :keep AND generation >= (SELECT generation FROM raised) - 1

-- name: end_device
-- A create replacing its device's sessions, after lock_user in the same transaction: the user's sessions of that device.
-- Unless the create will be refused (the user's other live sessions fill its limit, :refuseAt): then it ends nothing.
DELETE FROM sr_sessions
WHERE user_id = :userId AND device_id = :deviceId
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)
  AND (SELECT COUNT(*) FROM sr_sessions o
       WHERE o.user_id = :userId AND o.device_id <> :deviceId AND o.retain_until >= :now
         AND o.generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))
      < :refuseAt
RETURNING id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
