/**
 * Implementation details of the JDBC store, not exported: the statements read from the SQL resources, how a call runs
 * on a handle and fails typed, the pool the store builds, and how rows become sessions.
 */
@NullMarked
package org.sessionregistry.jdbc.internal;

import org.jspecify.annotations.NullMarked;
