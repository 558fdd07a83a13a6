-- Session Registry, JDBC store: removes the schema and every session in it.
DROP TABLE IF EXISTS sr_revocations;
DROP TABLE IF EXISTS sr_sessions;
DROP TABLE IF EXISTS sr_users;
