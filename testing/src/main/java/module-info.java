/**
 * The contract every {@code SessionStore} passes, for store authors' tests: extend
 * {@code org.sessionregistry.testing.SessionStoreContract}. Opened so that JUnit runs the contract's tests in a
 * subclass on the module path too.
 */
open module org.sessionregistry.testing {
  requires transitive org.sessionregistry.core;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports org.sessionregistry.testing;
}
