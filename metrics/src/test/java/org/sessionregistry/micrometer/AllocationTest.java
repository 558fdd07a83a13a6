package org.sessionregistry.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.sessionregistry.Ids;
import org.sessionregistry.SessionRegistry;
import org.sessionregistry.memory.InMemorySessionStore;

/**
 * Metrics allocate nothing on the authentication path: the bytes this thread allocates per authentication are the
 * same with the Prometheus binding as without (read from the JVM's own count, not timed).
 */
class AllocationTest {
  private static final int ROUNDS = 200_000;

  @Test
  void anAuthenticationAllocatesNothingMoreWithMetrics() throws Exception {
    double off =
        bytesPerAuthentication(
            SessionRegistry.builder().store(InMemorySessionStore.create()).build());
    double on =
        bytesPerAuthentication(
            SessionRegistry.builder()
                .store(InMemorySessionStore.create())
                .observer(
                    SessionRegistryMetrics.create(
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "memory"))
                .build());
    assertThat(off).as("an authentication allocates its answer: the count works").isPositive();
    assertThat(on - off)
        .as("bytes per authentication added by metrics (without: %.1f, with: %.1f)", off, on)
        .isLessThan(1.0);
  }

  private static double bytesPerAuthentication(SessionRegistry registry) throws Exception {
    String token = registry.create(Ids.newId()).token();
    Object sink = null;
    for (int i = 0; i < ROUNDS; i++) { // the JIT settles, the meters exist
      sink = registry.authenticate(token);
    }
    long before = allocated();
    for (int i = 0; i < ROUNDS; i++) {
      sink = registry.authenticate(token);
    }
    long after = allocated();
    assertThat(sink).isNotNull();
    return (double) (after - before) / ROUNDS;
  }

  /** This thread's allocated bytes, from HotSpot's ThreadMXBean (reflection: its module is not required here). */
  private static long allocated() throws Exception {
    Object bean = ManagementFactory.getThreadMXBean();
    Method m =
        Class.forName("com.sun.management.ThreadMXBean")
            .getMethod("getThreadAllocatedBytes", long.class);
    return (long) m.invoke(bean, Thread.currentThread().getId());
  }
}
