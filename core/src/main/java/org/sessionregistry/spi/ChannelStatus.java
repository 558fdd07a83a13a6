package org.sessionregistry.spi;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link InvalidationChannel} is doing, as it knows without a round trip: for metrics and health checks.
 *
 * @param connected whether deliveries can be trusted now (see {@link InvalidationChannel.Listener#connected()})
 * @param since when it last became connected or disconnected (its creation, if never)
 * @param published invalidations this node sent (or handed to the queue's sender and sent), since it was created
 * @param received invalidations delivered to this node's listeners, since it was created
 * @param queued invalidations waiting to be sent
 * @param sinceLastHeard how long ago the channel last heard from its server (a message, a pong, a poll that worked);
 *     null if never
 */
public record ChannelStatus(
    boolean connected,
    Instant since,
    long published,
    long received,
    int queued,
    @Nullable Duration sinceLastHeard) {}
