/**
 * Binds a {@link org.sessionregistry.SessionRegistry}, its front cache and its invalidation channel to a Micrometer
 * {@code MeterRegistry}. Every meter is named {@code sessionregistry.*}, in base units, with low-cardinality tags only:
 * never a user id, session id, token or address. See docs/operations.md for each meter and what to alert on.
 */
@NullMarked
package org.sessionregistry.micrometer;

import org.jspecify.annotations.NullMarked;
