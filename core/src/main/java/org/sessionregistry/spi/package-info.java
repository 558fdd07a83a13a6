/**
 * For store and channel authors: {@link org.sessionregistry.spi.SessionStore}, what a store implements;
 * {@link org.sessionregistry.spi.InvalidationChannel}, how front caches on several nodes hear of each other's
 * revocations; and what implementing them needs: {@link org.sessionregistry.spi.TokenHash},
 * {@link org.sessionregistry.spi.Invalidation}, {@link org.sessionregistry.spi.PropsJson} and
 * {@link org.sessionregistry.spi.RolesText} (the codecs of props and roles). Ids are checked with
 * {@link org.sessionregistry.Ids}. Applications do not call this package; the registry does.
 */
@NullMarked
package org.sessionregistry.spi;

import org.jspecify.annotations.NullMarked;
