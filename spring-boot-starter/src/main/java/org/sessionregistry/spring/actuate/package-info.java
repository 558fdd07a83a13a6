/**
 * Actuator: the {@code sessions} endpoint ({@link org.sessionregistry.spring.actuate.SessionsEndpoint}) and the
 * {@code sessionRegistry} health indicator.
 */
@NullMarked
package org.sessionregistry.spring.actuate;

import org.jspecify.annotations.NullMarked;
