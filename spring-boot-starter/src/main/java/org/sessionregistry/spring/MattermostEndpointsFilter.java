package org.sessionregistry.spring;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.sessionregistry.servlet.MattermostSessionServlet;

/**
 * Serves every request it sees with the Mattermost endpoints and ends the chain: they authenticate, authorize and
 * answer errors (as AppErrors) by their own rules, before the application's security filter chain.
 */
final class MattermostEndpointsFilter implements Filter {
  private final MattermostSessionServlet endpoints;

  MattermostEndpointsFilter(MattermostSessionServlet endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    endpoints.service(request, response);
  }
}
