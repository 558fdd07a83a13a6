/**
 * The front cache: {@link org.sessionregistry.cache.FrontCache} puts a cache of authenticated sessions in front of any
 * store, kept right across nodes by an {@link org.sessionregistry.spi.InvalidationChannel}; and
 * {@link org.sessionregistry.cache.InProcessInvalidationChannel}, the channel for several registries in one JVM.
 */
@NullMarked
package org.sessionregistry.cache;

import org.jspecify.annotations.NullMarked;
