package org.sessionregistry.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.sessionregistry.spi.ChannelStatus;
import org.sessionregistry.spi.InvalidationChannel;

/**
 * An invalidation channel's meters, read from its {@link InvalidationChannel#status()} at each scrape:
 *
 * <ul>
 *   <li>{@code sessionregistry.channel.connected} (gauge): 1 while deliveries can be trusted, 0 while the channel is
 *       down (front caches are then bypassed: every authentication is a store round trip);
 *   <li>{@code sessionregistry.channel.state.since} (gauge, seconds since the epoch): when it last went up or down;
 *   <li>{@code sessionregistry.channel.published} and {@code sessionregistry.channel.received} (counters):
 *       invalidations this node sent, and delivered to it;
 *   <li>{@code sessionregistry.channel.queued} (gauge): invalidations waiting to be sent;
 *   <li>{@code sessionregistry.channel.silence} (gauge, seconds): since the channel last heard from its server (a
 *       message, a pong, a poll); NaN if never.
 * </ul>
 */
public final class ChannelMetrics {
  private ChannelMetrics() {}

  /**
   * Registers the channel's meters.
   *
   * @param tags added to each meter, to tell several channels apart (none for one)
   * @throws IllegalArgumentException if the channel keeps no status ({@link InvalidationChannel#status()} is null)
   */
  public static void bind(MeterRegistry meters, InvalidationChannel channel, Tags tags) {
    if (channel.status() == null) {
      throw new IllegalArgumentException(
          "the channel "
              + channel.getClass().getName()
              + " keeps no status: it"
              + " must implement InvalidationChannel.status()");
    }
    Gauge.builder("sessionregistry.channel.connected", channel, c -> status(c).connected() ? 1 : 0)
        .description("1 while the invalidation channel is up, 0 while front caches are bypassed")
        .tags(tags)
        .strongReference(true)
        .register(meters);
    TimeGauge.builder(
            "sessionregistry.channel.state.since",
            channel,
            TimeUnit.MILLISECONDS,
            c -> status(c).since().toEpochMilli())
        .description("When the invalidation channel last went up or down, since the epoch")
        .tags(tags)
        .strongReference(true)
        .register(meters);
    FunctionCounter.builder(
            "sessionregistry.channel.published", channel, c -> status(c).published())
        .description("Invalidations this node sent")
        .tags(tags)
        .register(meters);
    FunctionCounter.builder("sessionregistry.channel.received", channel, c -> status(c).received())
        .description("Invalidations delivered to this node")
        .tags(tags)
        .register(meters);
    Gauge.builder("sessionregistry.channel.queued", channel, c -> status(c).queued())
        .description("Invalidations waiting to be sent")
        .tags(tags)
        .strongReference(true)
        .register(meters);
    TimeGauge.builder(
            "sessionregistry.channel.silence",
            channel,
            TimeUnit.NANOSECONDS,
            c -> {
              Duration silence = status(c).sinceLastHeard();
              return silence == null ? Double.NaN : silence.toNanos();
            })
        .description("Time since the channel last heard from its server")
        .tags(tags)
        .strongReference(true)
        .register(meters);
  }

  /** {@link #bind(MeterRegistry, InvalidationChannel, Tags)} without tags. */
  public static void bind(MeterRegistry meters, InvalidationChannel channel) {
    bind(meters, channel, Tags.empty());
  }

  private static ChannelStatus status(InvalidationChannel channel) {
    ChannelStatus status = channel.status();
    if (status == null) {
      throw new IllegalStateException("the channel stopped keeping a status");
    }
    return status;
  }
}
