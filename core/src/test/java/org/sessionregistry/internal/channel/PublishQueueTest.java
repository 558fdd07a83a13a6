package org.sessionregistry.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sessionregistry.spi.Invalidation;

class PublishQueueTest {
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final List<String> sentOn = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch sending = new CountDownLatch(1);

  /** A channel whose publish waits until the test releases it. */
  private void slowSend(Invalidation invalidation) {
    sending.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sent.add(invalidation.toText());
    sentOn.add(Thread.currentThread().getName());
  }

  /**
   * The send waits for a release that comes only after both publishes returned: that they return at all proves the
   * caller does not wait for the channel (a caller that did would hang until the timeout below, not fail on a busy
   * machine's slowness).
   */
  @Test
  @Timeout(30)
  void theCallerDoesNotWaitForTheChannel() throws Exception {
    try (PublishQueue queue =
        new PublishQueue(
            "test-publish", batch -> batch.forEach(this::slowSend), 100, Duration.ofSeconds(5))) {
      queue.publish(Invalidation.user("u1"));
      queue.publish(Invalidation.session("s1"));
      assertThat(sending.await(10, TimeUnit.SECONDS)).as("the sender holds u1").isTrue();
      assertThat(sent).isEmpty();
      release.countDown();
      awaitSent(2);
      assertThat(sent)
          .containsExactly(Invalidation.user("u1").toText(), Invalidation.session("s1").toText());
      assertThat(sentOn).containsOnly("test-publish");
    }
  }

  /** Nothing is dropped: past the capacity, the caller sends its own message (and waits as without the queue). */
  @Test
  void aFullQueueSendsOnTheCallersThread() throws Exception {
    try (PublishQueue queue =
        new PublishQueue(
            "test-publish", batch -> batch.forEach(this::slowSend), 2, Duration.ofSeconds(5))) {
      queue.publish(Invalidation.user("u0"));
      assertThat(sending.await(5, TimeUnit.SECONDS)).as("the sender holds u0").isTrue();
      queue.publish(Invalidation.user("u1"));
      queue.publish(Invalidation.user("u2")); // the queue is full
      Thread caller = new Thread(() -> queue.publish(Invalidation.user("overflow")), "caller");
      caller.start();
      caller.join(200);
      assertThat(caller.isAlive()).as("the caller waits for its own send").isTrue();
      release.countDown();
      caller.join(5_000);
      awaitSent(4);
      assertThat(sent).contains(Invalidation.user("overflow").toText());
      assertThat(sentOn.get(sent.indexOf(Invalidation.user("overflow").toText())))
          .isEqualTo("caller");
    }
  }

  /** What waited while a send was under way goes to the next send together: one round trip for a backlog. */
  @Test
  void whatWaitedGoesOutTogether() throws Exception {
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    try (PublishQueue queue =
        new PublishQueue(
            "test-publish",
            batch -> {
              sizes.add(batch.size());
              batch.forEach(this::slowSend);
            },
            1000,
            Duration.ofSeconds(5))) {
      queue.publish(Invalidation.user("first"));
      assertThat(sending.await(5, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 300; i++) {
        queue.publish(Invalidation.user("u" + i));
      }
      release.countDown();
      awaitSent(301);
      assertThat(sizes)
          .as("the first alone, then the 300 that waited, at most 256 a send")
          .containsExactly(1, 256, 44);
      assertThat(sent.get(1)).isEqualTo(Invalidation.user("u0").toText());
      assertThat(sent.get(300)).as("in order").isEqualTo(Invalidation.user("u299").toText());
    }
  }

  @Test
  void closeSendsWhatIsQueued() {
    PublishQueue queue =
        new PublishQueue(
            "test-publish", batch -> batch.forEach(this::slowSend), 100, Duration.ofSeconds(5));
    for (int i = 0; i < 10; i++) {
      queue.publish(Invalidation.user("u" + i));
    }
    release.countDown();
    queue.close();
    assertThat(sent).hasSize(10);
    queue.publish(Invalidation.user("late"));
    assertThat(sent).as("after close, sent on the caller's thread").hasSize(11);
  }

  @Test
  void aFailingSendIsLoggedAndTheNextOneStillGoes() throws Exception {
    java.util.concurrent.atomic.AtomicInteger tried =
        new java.util.concurrent.atomic.AtomicInteger();
    try (PublishQueue queue =
        new PublishQueue(
            "test-publish",
            batch ->
                batch.forEach(
                    i -> {
                      if (i.toText().equals(Invalidation.user("bad").toText())) {
                        tried.incrementAndGet();
                        throw new IllegalStateException("channel down");
                      }
                      sent.add(i.toText());
                    }),
            100,
            Duration.ofSeconds(5))) {
      queue.publish(Invalidation.user("bad"));
      awaitTried(tried);
      queue.publish(Invalidation.user("good"));
      awaitSent(1);
      assertThat(sent).containsExactly(Invalidation.user("good").toText());
    }
  }

  /** An Error in one send (a class that failed to load, memory) does not stop the sender for the next ones. */
  @Test
  void anErrorInOneSendLeavesTheSenderRunning() throws Exception {
    java.util.concurrent.atomic.AtomicInteger tried =
        new java.util.concurrent.atomic.AtomicInteger();
    try (PublishQueue queue =
        new PublishQueue(
            "test-publish",
            batch ->
                batch.forEach(
                    i -> {
                      if (i.toText().equals(Invalidation.user("bad").toText())) {
                        tried.incrementAndGet();
                        throw new NoClassDefFoundError("a class that failed to load");
                      }
                      sent.add(i.toText());
                      sentOn.add(Thread.currentThread().getName());
                    }),
            100,
            Duration.ofSeconds(5))) {
      queue.publish(Invalidation.user("bad"));
      awaitTried(tried);
      queue.publish(Invalidation.user("good"));
      awaitSent(1);
      assertThat(sentOn).containsExactly("test-publish");
    }
  }

  /**
   * A send that closes the queue (a listener told of a failure shuts the channel) neither waits on itself nor hangs. A
   * close that waited on its own thread would return only at its drain timeout, a minute here: returning within 10 s
   * tells the two apart with room for a busy machine.
   */
  @Test
  void closeFromASendReturnsAtOnce() throws Exception {
    PublishQueue[] queue = new PublishQueue[1];
    CountDownLatch closed = new CountDownLatch(1);
    queue[0] =
        new PublishQueue(
            "test-publish",
            batch -> {
              queue[0].close();
              closed.countDown();
            },
            100,
            Duration.ofMinutes(1));
    queue[0].publish(Invalidation.user("u"));
    assertThat(closed.await(10, TimeUnit.SECONDS))
        .as("closed from its own thread, not at the drain timeout")
        .isTrue();
    queue[0].publish(Invalidation.user("after"));
    queue[0].close();
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(
            () -> new PublishQueue("test-publish", batch -> {}, 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be at least 1, was 0");
  }

  /** Until the sender has tried the failing message (so that the next one goes to a send of its own). */
  private static void awaitTried(java.util.concurrent.atomic.AtomicInteger tried)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (tried.get() == 0) {
      assertThat(System.nanoTime()).as("the failing send tried").isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  private void awaitSent(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (sent.size() < count) {
      assertThat(System.nanoTime()).as("%d sent", count).isLessThan(deadline);
      Thread.sleep(1);
    }
  }
}
