package io.github.sessionguard.logout;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What a delivery attempt's result means for the notification: delivered, worth another try (transport errors,
 * timeouts, 408, 429, 5xx), or a dead letter (any other answer, or retries used up). Pure logic.
 */
final class RetryPolicy {

    enum Verdict { DELIVERED, RETRY, FAIL }

    private final OutboxSettings settings;

    RetryPolicy(OutboxSettings settings) {
        this.settings = settings;
    }

    /** @param status the HTTP status, or 0 when no answer came (connection refused, timeout, reset) */
    Verdict judge(int status, int attemptsMade, long queuedAtMillis, long nowMillis) {
        if (status >= 200 && status < 300) {
            return Verdict.DELIVERED;
        }
        if (!isRetryable(status)) {
            return Verdict.FAIL;
        }
        boolean exhausted = attemptsMade >= settings.maxAttempts()
                || nowMillis - queuedAtMillis >= settings.maxAge().toMillis();
        return exhausted ? Verdict.FAIL : Verdict.RETRY;
    }

    /** Exponential backoff with jitter: between half and all of {@code initial * 2^(attempts-1)}, capped. */
    long nextAttemptAt(int attemptsMade, long nowMillis) {
        long base = settings.initialBackoff().toMillis();
        long ceiling = settings.maxBackoff().toMillis();
        long exponential = base << Math.min(Math.max(attemptsMade - 1, 0), 30);
        long delay = Math.min(exponential <= 0 ? ceiling : exponential, ceiling);
        long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
        return nowMillis + jittered;
    }

    static boolean isRetryable(int status) {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
