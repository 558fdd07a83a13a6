/**
 * The Spring Boot auto-configuration: a {@link org.sessionregistry.SessionRegistry} from
 * {@link org.sessionregistry.spring.SessionRegistryProperties}.
 */
@NullMarked
package org.sessionregistry.spring;

import org.jspecify.annotations.NullMarked;
