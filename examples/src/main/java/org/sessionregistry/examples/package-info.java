/**
 * A session store written against the public SPI alone ({@link org.sessionregistry.examples.TextRecordSessionStore}),
 * the example the README's "Writing a store" walks through.
 */
@NullMarked
package org.sessionregistry.examples;

import org.jspecify.annotations.NullMarked;
