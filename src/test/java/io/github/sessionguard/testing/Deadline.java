package io.github.sessionguard.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls until something holds or a deadline passes: the only way tests here wait for time to pass. */
public final class Deadline {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private Deadline() {
    }

    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            pause();
        }
    }

    public static <T> T await(Duration timeout, String what, Supplier<T> value, java.util.function.Predicate<T> done) {
        long end = System.nanoTime() + timeout.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; last value: " + last);
            }
            pause();
            last = value.get();
        }
        return last;
    }

    /** Waits until the wall clock (epoch seconds, as in token claims) has passed the given instant. */
    public static void awaitEpochSecondPassed(long epochSecond, String what) {
        long waitMillis = (epochSecond + 1) * 1000 - System.currentTimeMillis();
        await(Duration.ofMillis(Math.max(0, waitMillis) + 30_000), what,
                () -> System.currentTimeMillis() / 1000 > epochSecond);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting", e);
        }
    }
}
