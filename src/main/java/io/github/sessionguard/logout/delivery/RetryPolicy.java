package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.AttemptOutcome;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a delivery attempt's result means for the notification: delivered, worth another try (transport errors,
 * timeouts, 408, 429, 5xx), or a dead letter (any other answer, or the retry budget spent). The budget is time: a
 * failing notification is tried until {@code max-age} after the death (24 h by default), the last try falling on that
 * mark, unless {@code max-attempts} (0: no limit, the default) ends it sooner. Pure logic.
 */
final class RetryPolicy {

    private final OutboxSettings settings;

    RetryPolicy(OutboxSettings settings) {
        this.settings = settings;
    }

    /**
     * @param status the HTTP status, or 0 when no answer came (connection refused, timeout, reset)
     * @return delivered, retry or failed (skipped is no answer's outcome: the client was no longer told)
     */
    AttemptOutcome judge(int status, int attemptsMade, long queuedAtMillis, long nowMillis) {
        if (status >= 200 && status < 300) {
            return AttemptOutcome.DELIVERED;
        }
        if (!isRetryable(status)) {
            return AttemptOutcome.FAILED;
        }
        boolean exhausted = (settings.maxAttempts() > 0 && attemptsMade >= settings.maxAttempts())
                || nowMillis >= queuedAtMillis + settings.maxAge().toMillis();
        return exhausted ? AttemptOutcome.FAILED : AttemptOutcome.RETRY;
    }

    /**
     * Exponential backoff with jitter, between three quarters and all of {@code initial * 2^(attempts-1)}, capped at
     * {@code max-backoff}; never later than the end of the budget, so that the last try falls on it.
     */
    long nextAttemptAt(int attemptsMade, long queuedAtMillis, long nowMillis) {
        long base = settings.initialBackoff().toMillis();
        long ceiling = settings.maxBackoff().toMillis();
        long exponential = base << Math.min(Math.max(attemptsMade - 1, 0), 30);
        long delay = Math.min(exponential <= 0 ? ceiling : exponential, ceiling);
        long jittered = delay - ThreadLocalRandom.current().nextLong(delay / 4 + 1);
        return Math.min(nowMillis + jittered, Math.max(nowMillis, queuedAtMillis + settings.maxAge().toMillis()));
    }

    static boolean isRetryable(int status) {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
