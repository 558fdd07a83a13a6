/**
 * Implementation details; not an API, may change in any release.
 */
@NullMarked
package org.sessionregistry.internal;

import org.jspecify.annotations.NullMarked;
