/**
 * For store authors: {@link org.sessionregistry.spi.SessionStore}. Applications do not call it directly.
 */
@NullMarked
package org.sessionregistry.spi;

import org.jspecify.annotations.NullMarked;
