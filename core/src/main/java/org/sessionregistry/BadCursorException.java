package org.sessionregistry;

/**
 * A cursor given to {@link SessionRegistry#listAll} is not one the store gave (or was given by a store of another
 * kind, or is damaged). Its value is not repeated: it came from a client. Nothing was read.
 */
public class BadCursorException extends IllegalArgumentException {

  public BadCursorException(String reason) {
    super("cursor is not one this session store gave: " + reason);
  }
}
