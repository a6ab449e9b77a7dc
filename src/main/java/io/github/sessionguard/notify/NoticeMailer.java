package io.github.sessionguard.notify;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Sends the notices off the request thread, on a few threads of its own with a bounded queue: an SMTP server that
 * hangs (Keycloak waits up to 10 s per connect, read and write) or a mass sign-out holds up only other notices, never a
 * request, and can't pile up memory. A notice that finds the queue full is dropped and logged; the death it reports
 * has happened and its relying parties are told regardless.
 */
final class NoticeMailer {

    private static final Logger LOG = Logger.getLogger(NoticeMailer.class);
    private static final long STOP_GRACE_SECONDS = 5;

    private final KeycloakSessionFactory factory;
    private final ThreadPoolExecutor executor;

    NoticeMailer(KeycloakSessionFactory factory, int threads, int queueSize) {
        this.factory = factory;
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueSize), runnable -> {
                    Thread thread = new Thread(runnable, "session-guard-notify-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    void submit(SessionEndedNotice notice) {
        try {
            executor.execute(() -> send(notice));
        } catch (RejectedExecutionException e) {
            LOG.warnf("User notice dropped (%s): the send queue is full or the server is stopping", notice.describe());
        }
    }

    private void send(SessionEndedNotice notice) {
        try {
            NoticeEmail.send(factory, notice);
        } catch (RuntimeException e) {
            LOG.warnf(e, "User notice could not be sent (%s)", notice.describe());
        }
    }

    /** At server stop: the notices queued get a few seconds, then the threads are interrupted. */
    void stop() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warnf("Stopping with %d user notices unsent", executor.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
