package io.github.sessionguard.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Requests released at the same moment, one thread each, as many clients signing in at once would send them. */
public final class AtOnce {

    private AtOnce() {
    }

    /** Runs {@code request} for 0 .. count-1, all released together, and returns the results in that order. */
    public static <T> List<T> run(int count, IntFunction<T> request) throws InterruptedException, ExecutionException {
        ExecutorService threads = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                results.add(threads.submit(() -> {
                    start.await();
                    return request.apply(index);
                }));
            }
            start.countDown();
            List<T> done = new ArrayList<>();
            for (Future<T> result : results) {
                done.add(result.get());
            }
            return done;
        } finally {
            threads.shutdownNow();
        }
    }
}
