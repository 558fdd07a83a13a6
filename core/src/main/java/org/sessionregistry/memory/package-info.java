/**
 * The in-memory store.
 */
@NullMarked
package org.sessionregistry.memory;

import org.jspecify.annotations.NullMarked;
