/**
 * Test support for store authors: the {@link org.sessionregistry.testing.SessionStoreContract} that every store passes
 * unchanged, and a {@link org.sessionregistry.testing.MutableClock}.
 */
@NullMarked
package org.sessionregistry.testing;

import org.jspecify.annotations.NullMarked;
