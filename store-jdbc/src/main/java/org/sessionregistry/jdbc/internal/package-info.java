/**
 * Implementation details of the JDBC store; not an API.
 */
@NullMarked
package org.sessionregistry.jdbc.internal;

import org.jspecify.annotations.NullMarked;
