package org.sessionregistry.examples;

import java.time.Clock;
import org.sessionregistry.spi.SessionStore;
import org.sessionregistry.testing.SessionStoreContract;

/** The contract, unchanged, on the example store. */
class TextRecordSessionStoreContractTest extends SessionStoreContract {

  @Override
  protected SessionStore createStore(Clock clock) {
    return new TextRecordSessionStore();
  }
}
