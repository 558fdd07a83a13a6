-- Session Registry, JDBC store schema version 1, MariaDB 10.6+ (DELETE ... RETURNING, SKIP LOCKED).
-- Instants are epoch milliseconds, as in Mattermost's Sessions table. The token is never stored: token_hash is its
-- SHA-256. retain_until is when the session may be deleted (absolute or idle expiry, whichever is first).
-- Ids compare case-sensitively (ascii_bin), as on the other databases.
CREATE TABLE IF NOT EXISTS sr_sessions (
    id               VARCHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    token_hash       BINARY(32)   NOT NULL,
    user_id          VARCHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    create_at        BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    last_activity_at BIGINT       NOT NULL,
    retain_until     BIGINT       NOT NULL,
    device_id        VARCHAR(512) NOT NULL,
    roles            VARCHAR(256) NOT NULL,
    is_oauth         BOOLEAN      NOT NULL,
    expired_notify   BOOLEAN      NOT NULL,
    props            MEDIUMTEXT   NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY sr_sessions_token_hash (token_hash),
    KEY sr_sessions_user_id (user_id),
    KEY sr_sessions_retain_until (retain_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Revocations for front caches on other nodes (JdbcInvalidationChannel): a small log, polled, trimmed by age.
CREATE TABLE IF NOT EXISTS sr_revocations (
    seq        BIGINT AUTO_INCREMENT PRIMARY KEY,
    scope      CHAR(1) CHARACTER SET ascii NOT NULL,
    target     VARCHAR(26) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at BIGINT NOT NULL,
    KEY sr_revocations_created_at (created_at)
) ENGINE=InnoDB;
