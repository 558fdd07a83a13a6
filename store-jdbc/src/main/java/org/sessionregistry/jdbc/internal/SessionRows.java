package org.sessionregistry.jdbc.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.sessionregistry.Session;
import org.sessionregistry.spi.PropsJson;

/** A session from the columns every statement that returns sessions selects, in the schema's order. */
public final class SessionRows implements RowMapper<Session> {
  public static final SessionRows MAPPER = new SessionRows();

  private SessionRows() {}

  @Override
  public Session map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Session(
        rs.getString("id"),
        rs.getString("user_id"),
        Instant.ofEpochMilli(rs.getLong("create_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")),
        Instant.ofEpochMilli(rs.getLong("last_activity_at")),
        rs.getString("device_id"),
        rs.getString("roles"),
        rs.getBoolean("is_oauth"),
        rs.getBoolean("expired_notify"),
        PropsJson.read(rs.getString("props")));
  }
}
