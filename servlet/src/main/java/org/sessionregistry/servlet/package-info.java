/**
 * The servlet binding: {@link org.sessionregistry.servlet.MattermostSessionServlet} and
 * {@link org.sessionregistry.servlet.SessionRegistryFilter}.
 */
@NullMarked
package org.sessionregistry.servlet;

import org.jspecify.annotations.NullMarked;
