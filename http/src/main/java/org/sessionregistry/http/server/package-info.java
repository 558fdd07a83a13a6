/**
 * The runnable server ({@link org.sessionregistry.http.server.Main}) and its users file
 * ({@link org.sessionregistry.http.server.UsersFile}).
 */
@NullMarked
package org.sessionregistry.http.server;

import org.jspecify.annotations.NullMarked;
