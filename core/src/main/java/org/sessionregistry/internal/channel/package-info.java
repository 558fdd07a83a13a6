/**
 * What the library's own invalidation channels share: their listeners and connection state
 * ({@link org.sessionregistry.internal.channel.ChannelListeners}) and a sender thread for a publish that is a round
 * trip ({@link org.sessionregistry.internal.channel.PublishQueue}). Exported only to the library's store modules, not
 * an API, may change in any release; a channel author outside the library writes their own (the SPI's
 * {@link org.sessionregistry.spi.InvalidationChannel} is all a channel implements).
 */
@NullMarked
package org.sessionregistry.internal.channel;

import org.jspecify.annotations.NullMarked;
