/**
 * Implementation details: argument checks and the id codec. Not exported by the module, not an API, may change in any
 * release. Depends on nothing else of the library's.
 */
@NullMarked
package org.sessionregistry.internal;

import org.jspecify.annotations.NullMarked;
