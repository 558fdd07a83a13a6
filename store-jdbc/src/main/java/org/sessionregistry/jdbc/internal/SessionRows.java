package org.sessionregistry.jdbc.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.sessionregistry.Session;
import org.sessionregistry.spi.PropsJson;
import org.sessionregistry.spi.RolesText;

/**
 * A session from the columns every statement that returns sessions selects, in this order: id, user_id, create_at,
 * expires_at, last_activity_at, device_id, roles, props.
 */
public final class SessionRows {
  private SessionRows() {}

  /** By position: every statement that returns sessions selects these columns, in this order (no lookup by name). */
  public static Session read(ResultSet rs) throws SQLException {
    return new Session(
        rs.getString(1),
        rs.getString(2),
        Instant.ofEpochMilli(rs.getLong(3)),
        Instant.ofEpochMilli(rs.getLong(4)),
        Instant.ofEpochMilli(rs.getLong(5)),
        rs.getString(6),
        RolesText.read(rs.getString(7)),
        PropsJson.read(rs.getString(8)));
  }
}
