package org.sessionregistry.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.sessionregistry.http.LoginAttempts.Reservation;

/** The in-process counts on a ticker the test moves: each place has a lease of its own. */
class InProcessLoginAttemptsTest {
  private static final Duration LEASE = Duration.ofMinutes(1);
  private final AtomicLong nanos = new AtomicLong(1);
  private final Ticker ticker = nanos::get;
  private final LoginAttempts attempts = new InProcessLoginAttempts(ticker);

  /**
   * A place never ended lapses one lease after it was taken, although another check takes and ends a place under the
   * key every 10 s meanwhile (a busy NAT address); before, each reservation moved the key's one lease on, and the
   * leaked place lived as long as the key was busy.
   */
  @Test
  void aLeakedPlaceLapsesAtItsOwnDeadlineWhileTheKeyStaysBusy() {
    String key = "a:203.0.113.1";
    assertThat(attempts.reserve(key, "leaked", 2, LEASE)).isEqualTo(Reservation.RESERVED);
    for (int i = 0; i < 5; i++) {
      advance(Duration.ofSeconds(10));
      assertThat(attempts.reserve(key, "busy-" + i, 2, LEASE)).isEqualTo(Reservation.RESERVED);
      assertThat(attempts.reserve(key, "probe-" + i, 2, LEASE))
          .as("the leaked place still counts")
          .isEqualTo(Reservation.ALL_RESERVED);
      attempts.release(key, "busy-" + i);
    }
    advance(Duration.ofSeconds(10).minusNanos(1)); // one nano before the leaked place's lease ends
    assertThat(attempts.reserve(key, "busy", 2, LEASE)).isEqualTo(Reservation.RESERVED);
    assertThat(attempts.reserve(key, "probe", 2, LEASE)).isEqualTo(Reservation.ALL_RESERVED);
    advance(Duration.ofNanos(1));
    assertThat(attempts.reserve(key, "probe", 2, LEASE))
        .as("the leaked place lapsed")
        .isEqualTo(Reservation.RESERVED);
  }

  /** Each check ends its own place: a release names the place, and one never taken, or lapsed, ends nothing. */
  @Test
  void aCheckEndsItsOwnPlaceOnly() {
    String key = "u:someone@203.0.113.1";
    assertThat(attempts.reserve(key, "a", 2, LEASE)).isEqualTo(Reservation.RESERVED);
    assertThat(attempts.reserve(key, "b", 2, LEASE)).isEqualTo(Reservation.RESERVED);
    attempts.release(key, "never-taken");
    assertThat(attempts.reserve(key, "c", 2, LEASE)).isEqualTo(Reservation.ALL_RESERVED);
    attempts.fail(key, "a", Duration.ofMinutes(15));
    assertThat(attempts.failures(key)).isEqualTo(1);
    assertThat(attempts.reserve(key, "c", 2, LEASE))
        .as("b's place and a's failure")
        .isEqualTo(Reservation.ALL_RESERVED);
    advance(LEASE);
    attempts.release(key, "b"); // lapsed already: nothing to end
    assertThat(attempts.reserve(key, "c", 2, LEASE)).isEqualTo(Reservation.RESERVED);
    assertThat(attempts.failures(key)).isEqualTo(1);
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
}
