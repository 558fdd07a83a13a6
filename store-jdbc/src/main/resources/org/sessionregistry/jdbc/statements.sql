-- Session Registry, JDBC store: the statements it runs that are the same on H2, PostgreSQL and MariaDB; the others
-- are in statements-<database>.sql beside this file. Each statement is the text after its "-- name:" line, up to the
-- next one; :names are parameters. Each is one round trip. Every name is defined once, here or in the database's file.
-- A session is live while its generation is not below its user's: sr_users.generation, 0 when the user has no row
-- (the COALESCE subquery, by primary key, in every statement that reads or writes live sessions).

-- name: insert
INSERT INTO sr_sessions (id, token_hash, user_id, create_at, expires_at, last_activity_at, retain_until, device_id,
    roles, props, generation)
VALUES (:id, :tokenHash, :userId, :createAt, :expiresAt, :lastActivityAt, :retainUntil, :deviceId, :roles, :props,
    COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0))

-- name: find_by_token
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM sr_sessions s
WHERE token_hash = :tokenHash
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = s.user_id), 0)

-- name: find_by_user
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM sr_sessions
WHERE user_id = :userId
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)

-- name: touch
-- GREATEST: never backwards. Matching the row: never re-creates one.
UPDATE sr_sessions
SET last_activity_at = GREATEST(last_activity_at, :lastActivityAt), expires_at = GREATEST(expires_at, :expiresAt),
    retain_until = GREATEST(retain_until, :retainUntil)
WHERE user_id = :userId AND id = :id
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = :userId), 0)


-- name: pending_users
SELECT user_id, generation FROM sr_users
WHERE purge_pending = TRUE AND user_id > :after
ORDER BY user_id LIMIT :pageSize

-- name: clear_pending
-- Unless a revoke-all came in between: that one leaves the user marked.
UPDATE sr_users SET purge_pending = FALSE WHERE user_id = :userId AND generation = :generation

-- name: delete_everyone
-- Revoke-everyone: one statement, in time proportional to the number of sessions; the generations of sr_users stay.
DELETE FROM sr_sessions

-- name: list_all
-- One page of the walk over every live session: a keyset on the primary key (never an offset), which the primary
-- key's index serves in order on every database. retain_until leaves out the sessions past it.
SELECT id, user_id, create_at, expires_at, last_activity_at, device_id, roles, props
FROM sr_sessions s
WHERE id > :after AND retain_until >= :now
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = s.user_id), 0)
ORDER BY id
LIMIT :limit

-- name: count_all
SELECT COUNT(*)
FROM sr_sessions s
WHERE retain_until >= :now
  AND generation >= COALESCE((SELECT u.generation FROM sr_users u WHERE u.user_id = s.user_id), 0)
