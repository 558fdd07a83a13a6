/**
 * The in-memory store, on Caffeine.
 */
@NullMarked
package org.sessionregistry.memory;

import org.jspecify.annotations.NullMarked;
