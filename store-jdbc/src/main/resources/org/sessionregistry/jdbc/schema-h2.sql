-- Session Registry, JDBC store schema version 1, H2 2.x.
-- Instants are epoch milliseconds, as in Mattermost's Sessions table. The token is never stored: token_hash is its
-- SHA-256. retain_until is when the session may be deleted (absolute or idle expiry, whichever is first).
CREATE TABLE IF NOT EXISTS sr_sessions (
    id               VARCHAR(26)  NOT NULL,
    token_hash       BINARY(32)   NOT NULL,
    user_id          VARCHAR(26)  NOT NULL,
    create_at        BIGINT       NOT NULL,
    expires_at       BIGINT       NOT NULL,
    last_activity_at BIGINT       NOT NULL,
    retain_until     BIGINT       NOT NULL,
    device_id        VARCHAR(512) NOT NULL,
    roles            VARCHAR(256) NOT NULL,
    is_oauth         BOOLEAN      NOT NULL,
    expired_notify   BOOLEAN      NOT NULL,
    props            CHARACTER VARYING(1000000) NOT NULL,
    CONSTRAINT sr_sessions_pk PRIMARY KEY (id),
    CONSTRAINT sr_sessions_token_hash UNIQUE (token_hash)
);
CREATE INDEX IF NOT EXISTS sr_sessions_user_id ON sr_sessions (user_id);
CREATE INDEX IF NOT EXISTS sr_sessions_retain_until ON sr_sessions (retain_until);

-- Revocations for front caches on other nodes (JdbcInvalidationChannel): a small log, polled, trimmed by age.
CREATE TABLE IF NOT EXISTS sr_revocations (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope      CHAR(1)     NOT NULL,
    target     VARCHAR(26) NOT NULL,
    created_at BIGINT      NOT NULL
);
CREATE INDEX IF NOT EXISTS sr_revocations_created_at ON sr_revocations (created_at);
