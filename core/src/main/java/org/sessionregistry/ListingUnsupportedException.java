package org.sessionregistry;

/**
 * The store cannot walk or count every session ({@link SessionRegistry#listAll}, {@link SessionRegistry#count}): it
 * does not implement {@link org.sessionregistry.spi.SessionStore#supportsListing}. Nothing was read or changed.
 */
public class ListingUnsupportedException extends UnsupportedOperationException {

  public ListingUnsupportedException(String store) {
    super("the session store " + store + " cannot list or count every session");
  }
}
