/**
 * Spring Security over the registry: {@link org.sessionregistry.spring.security.SessionRegistryConfigurer} for a
 * {@code SecurityFilterChain}, the {@link org.sessionregistry.spring.security.SessionAuthentication} it puts in the
 * security context, and {@link org.sessionregistry.spring.security.SessionLogin} for logins of the application's own.
 */
@NullMarked
package org.sessionregistry.spring.security;

import org.jspecify.annotations.NullMarked;
