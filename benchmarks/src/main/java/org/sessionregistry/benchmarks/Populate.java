package org.sessionregistry.benchmarks;

import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;

/** Fills a store with other users' sessions, ten to a user. */
final class Populate {
  private Populate() {}

  static void others(SessionRegistry registry, int sessions) {
    String user = null;
    for (int i = 0; i < sessions; i++) {
      if (i % 10 == 0) {
        user = Ids.newId();
      }
      registry.create(user);
    }
  }
}
