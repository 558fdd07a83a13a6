/**
 * The Session Registry API: {@link org.sessionregistry.SessionRegistry} and its values.
 */
@NullMarked
package org.sessionregistry;

import org.jspecify.annotations.NullMarked;
