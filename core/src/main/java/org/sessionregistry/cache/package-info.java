/**
 * The front cache's configuration ({@link org.sessionregistry.cache.FrontCache}) and its cross-node invalidation
 * channel SPI ({@link org.sessionregistry.cache.InvalidationChannel}).
 */
@NullMarked
package org.sessionregistry.cache;

import org.jspecify.annotations.NullMarked;
