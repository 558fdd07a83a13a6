-- Session Registry, JDBC store schema version 4 (3 kept Mattermost's is_oauth and expired_notify; 2 had 26-character
-- user ids; 1, never released, no generations), MariaDB 10.6+ (DELETE ... RETURNING, SKIP LOCKED).
-- Instants are epoch milliseconds, as in Mattermost's Sessions table. The token is never stored: token_hash is its
-- SHA-256. retain_until is when the session may be deleted (absolute or idle expiry, whichever is first).
-- Ids compare case-sensitively (ascii_bin; user ids, which may be any text, utf8mb4_bin), as on the other databases.
-- The user id rule refuses surrounding whitespace, so PAD SPACE cannot make two user ids equal.
CREATE TABLE IF NOT EXISTS sr_sessions (
    id               VARCHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    token_hash       BINARY(32)   NOT NULL,
    user_id          VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    create_at        BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    last_activity_at BIGINT       NOT NULL,
    retain_until     BIGINT       NOT NULL,
    device_id        VARCHAR(512) NOT NULL,
    roles            VARCHAR(256) NOT NULL,
    props            MEDIUMTEXT   NOT NULL,
    generation       BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY sr_sessions_token_hash (token_hash),
    KEY sr_sessions_user_id (user_id),
    KEY sr_sessions_retain_until (retain_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A table made by version 1 gets the column; otherwise nothing happens.
ALTER TABLE sr_sessions ADD COLUMN IF NOT EXISTS generation BIGINT NOT NULL DEFAULT 0;

-- Generations: a revoke-all without a listener is one row here, not one row per session. A session is live while its
-- generation is not below its user's (0 when the user has no row); purge_pending marks users whose older sessions
-- purgeExpired still has to delete.
CREATE TABLE IF NOT EXISTS sr_users (
    user_id       VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    generation    BIGINT  NOT NULL,
    purge_pending BOOLEAN NOT NULL,
    PRIMARY KEY (user_id),
    KEY sr_users_purge_pending (purge_pending)
) ENGINE=InnoDB;

-- Revocations for front caches on other nodes (JdbcInvalidationChannel): a small log, polled, trimmed by age.
CREATE TABLE IF NOT EXISTS sr_revocations (
    seq        BIGINT AUTO_INCREMENT PRIMARY KEY,
    scope      CHAR(1) CHARACTER SET ascii NOT NULL,
    target     VARCHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at BIGINT NOT NULL,
    KEY sr_revocations_created_at (created_at)
) ENGINE=InnoDB;

-- User ids of any shape (1 to 255 characters): tables made before them, with user_id VARCHAR(26), get the wider
-- column; on tables that have it already this changes nothing.
ALTER TABLE sr_sessions MODIFY user_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
ALTER TABLE sr_users MODIFY user_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;

-- Sessions keep no Mattermost-only fields: tables made before version 4 lose the two columns; on tables without them
-- this changes nothing. Nodes of an older version cannot write sessions once it ran.
ALTER TABLE sr_sessions DROP COLUMN IF EXISTS is_oauth;
ALTER TABLE sr_sessions DROP COLUMN IF EXISTS expired_notify;
