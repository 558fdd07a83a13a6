/**
 * The runnable server ({@link org.sessionregistry.server.Main}) and its users file
 * ({@link org.sessionregistry.server.UsersFile}).
 */
@NullMarked
package org.sessionregistry.server;

import org.jspecify.annotations.NullMarked;
