package io.github.sessionguard.logout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.AttemptOutcome;
import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Problem 5: the default retry schedule keeps trying for the whole documented 24 h, not 18 minutes. */
class RetryPolicyTest {

    private static final OutboxSettings DEFAULTS = new OutboxSettings(true, 16, 4, Duration.ofSeconds(2),
            Duration.ofSeconds(15), Duration.ofSeconds(2), 0, Duration.ofHours(24), Duration.ofSeconds(1),
            Duration.ofMinutes(30), Duration.ofSeconds(1), Duration.ofMinutes(1), 200, Duration.ofDays(7),
            Duration.ofSeconds(10));

    @RepeatedTest(20)
    void aRelyingPartyThatNeverAnswersIsTriedUntilTwentyFourHoursAfterTheDeath() {
        RetryPolicy policy = new RetryPolicy(DEFAULTS);
        long queuedAt = 1_000_000L;
        long now = queuedAt;
        int attempts = 0;
        long longestWait = 0;
        while (true) {
            attempts++;
            if (policy.judge(503, attempts, queuedAt, now) == AttemptOutcome.FAILED) {
                break;
            }
            long next = policy.nextAttemptAt(attempts, queuedAt, now);
            assertThat(next).isGreaterThanOrEqualTo(now);
            longestWait = Math.max(longestWait, next - now);
            now = next;
        }
        assertThat(now - queuedAt).as("the last try").isEqualTo(Duration.ofHours(24).toMillis());
        assertThat(longestWait).isLessThanOrEqualTo(Duration.ofMinutes(30).toMillis());
        assertThat(attempts).isBetween(50, 100);
    }

    @Test
    void aTwentyMinuteOutageIsBridged() {
        RetryPolicy policy = new RetryPolicy(DEFAULTS);
        long queuedAt = 0;
        long now = 0;
        int attempts = 0;
        while (now < Duration.ofMinutes(20).toMillis()) {
            attempts++;
            assertThat(policy.judge(0, attempts, queuedAt, now)).isEqualTo(AttemptOutcome.RETRY);
            now = policy.nextAttemptAt(attempts, queuedAt, now);
        }
        assertThat(policy.judge(200, attempts + 1, queuedAt, now)).isEqualTo(AttemptOutcome.DELIVERED);
    }

    @Test
    void aClientErrorIsFinalAndMaxAttemptsStillLimitsWhenSet() {
        assertThat(new RetryPolicy(DEFAULTS).judge(400, 1, 0, 0)).isEqualTo(AttemptOutcome.FAILED);
        OutboxSettings twelve = new OutboxSettings(true, 16, 4, Duration.ofSeconds(2), Duration.ofSeconds(15),
                Duration.ofSeconds(2), 12, Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofMinutes(30),
                Duration.ofSeconds(1), Duration.ofMinutes(1), 200, Duration.ofDays(7), Duration.ofSeconds(10));
        assertThat(new RetryPolicy(twelve).judge(503, 12, 0, 0)).isEqualTo(AttemptOutcome.FAILED);
    }
}
