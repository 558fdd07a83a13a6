/**
 * Implementation details of the JDBC store, not exported: the statements read from the SQL resources, how every call
 * runs and fails typed ({@code StatementRunner}), what differs on each database ({@code Database}), the pool the store
 * builds, and how rows become sessions.
 */
@NullMarked
package org.sessionregistry.jdbc.internal;

import org.jspecify.annotations.NullMarked;
