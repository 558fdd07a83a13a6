/**
 * Mattermost's session endpoints over a {@link org.sessionregistry.SessionRegistry}, framework-neutral
 * ({@link org.sessionregistry.http.MattermostSessionApi}), with an adapter for the JDK's HttpServer
 * ({@link org.sessionregistry.http.JdkHttpHandler}).
 */
@NullMarked
package org.sessionregistry.http;

import org.jspecify.annotations.NullMarked;
