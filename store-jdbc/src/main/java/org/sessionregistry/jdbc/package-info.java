/**
 * The JDBC store: {@link org.sessionregistry.jdbc.JdbcSessionStore}, with shipped schema scripts for H2, PostgreSQL
 * and MariaDB ({@link org.sessionregistry.jdbc.JdbcSchema}).
 */
@NullMarked
package org.sessionregistry.jdbc;

import org.jspecify.annotations.NullMarked;
