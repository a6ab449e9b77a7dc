package io.github.sessionguard.logout;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Delivers the outbox, on every node, off every request thread. Each poll claims due notifications with a lease, so
 * that no two nodes send the same one, and hands them to a bounded pool; each delivery is one signed logout token,
 * one POST with bounded timeouts, no redirects, and the answer recorded in its own transaction. A node that dies
 * mid-delivery loses nothing: its lease runs out and another node (or itself, restarted) claims the row again.
 */
final class LogoutDeliveryWorker {

    private static final Logger LOG = Logger.getLogger(LogoutDeliveryWorker.class);
    private static final int ERROR_BODY_BYTES = 256;

    private final KeycloakSessionFactory sessionFactory;
    private final OutboxSettings settings;
    private final RetryPolicy retryPolicy;
    private final DeliveryMetrics metrics = new DeliveryMetrics();
    private final Semaphore slots;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            runnable -> daemon(runnable, "session-guard-outbox-poller"));
    private final ExecutorService senders;
    private final HttpClient http;
    private final AtomicBoolean wakeUpQueued = new AtomicBoolean();
    /** Until the first poll succeeds the server is still starting (its schema may not exist yet): stay quiet. */
    private volatile boolean polledOnce;

    LogoutDeliveryWorker(KeycloakSessionFactory sessionFactory, OutboxSettings settings) {
        this.sessionFactory = sessionFactory;
        this.settings = settings;
        this.retryPolicy = new RetryPolicy(settings);
        this.slots = new Semaphore(settings.concurrency());
        this.senders = Executors.newFixedThreadPool(settings.concurrency(),
                runnable -> daemon(runnable, "session-guard-outbox-sender"));
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    void start() {
        poller.scheduleWithFixedDelay(this::pollSafely, settings.pollInterval().toMillis(),
                settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Called after a transaction that queued notifications commits, so they leave at once rather than next poll. */
    void wakeUp() {
        if (wakeUpQueued.compareAndSet(false, true)) {
            try {
                poller.execute(() -> {
                    wakeUpQueued.set(false);
                    pollSafely();
                });
            } catch (RejectedExecutionException shuttingDown) {
                wakeUpQueued.set(false);
            }
        }
    }

    void stop() {
        poller.shutdownNow();
        senders.shutdownNow();
    }

    private void pollSafely() {
        try {
            poll();
            polledOnce = true;
        } catch (RuntimeException e) {
            // The database may be restarting; the next poll tries again and nothing claimed is lost.
            if (polledOnce) {
                LOG.warnf("Logout outbox poll failed, will retry: %s", e.getMessage());
            }
            LOG.debug("Logout outbox poll failure", e);
        }
    }

    private void poll() {
        long now = System.currentTimeMillis();
        List<LogoutNotificationEntity> claimed = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                session -> {
                    LogoutOutbox outbox = new LogoutOutbox(session);
                    List<LogoutNotificationEntity> rows = outbox.claimDue(now, settings.batchSize(),
                            now + settings.claimLease().toMillis());
                    metrics.queueDepth(outbox.pendingCount());
                    return rows;
                });
        // The poller waits here for free slots, so a full batch is worked off at the pool's pace; the lease is long
        // enough for a batch even against slow relying parties.
        for (LogoutNotificationEntity notification : claimed) {
            slots.acquireUninterruptibly();
            try {
                senders.execute(() -> {
                    try {
                        deliver(notification);
                    } finally {
                        slots.release();
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                slots.release();
            }
        }
        if (claimed.size() == settings.batchSize()) {
            wakeUp();
        }
    }

    private void deliver(LogoutNotificationEntity notification) {
        String token;
        try {
            token = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                    session -> LogoutTokenSigner.sign(session, notification));
        } catch (RuntimeException e) {
            record(notification, 0, "could not sign the logout token: " + e.getMessage());
            return;
        }
        if (token == null) {
            finish(notification, DeliveryStatus.FAILED, "realm or client no longer exists");
            return;
        }
        Attempt attempt = post(notification.getLogoutUrl(), token);
        record(notification, attempt.status(), attempt.error());
    }

    private record Attempt(int status, String error) {
    }

    private Attempt post(String url, String logoutToken) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(settings.readTimeout())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("logout_token="
                            + java.net.URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                    .build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Attempt(status, null);
                }
                // A relying party's error page is read only this far: enough to say what went wrong.
                String excerpt = new String(body.readNBytes(ERROR_BODY_BYTES), StandardCharsets.UTF_8);
                return new Attempt(status, "HTTP " + status + (excerpt.isBlank() ? "" : ": " + excerpt.strip()));
            }
        } catch (IOException | IllegalArgumentException e) {
            return new Attempt(0, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(0, "interrupted (node shutting down)");
        }
    }

    private void record(LogoutNotificationEntity notification, int status, String error) {
        long now = System.currentTimeMillis();
        int attempts = notification.getAttempts() + 1;
        switch (retryPolicy.judge(status, attempts, notification.getQueuedAt(), now)) {
            case DELIVERED -> {
                update(notification.getId(), row -> {
                    row.setStatus(DeliveryStatus.DELIVERED.name());
                    row.setAttempts(attempts);
                    row.setDeliveredAt(now);
                    row.setLastError(null);
                    release(row);
                });
                metrics.delivered(notification.getCreatedAt(), now);
            }
            case RETRY -> {
                long next = retryPolicy.nextAttemptAt(attempts, now);
                update(notification.getId(), row -> {
                    row.setAttempts(attempts);
                    row.setNextAttemptAt(next);
                    row.setLastError(truncate(error));
                    release(row);
                });
                metrics.retried();
                LOG.debugf("Back-channel logout to client %s for session %s failed (%s); retry %d at %d",
                        notification.getClientId(), notification.getUserSessionId(), error, attempts, next);
            }
            case FAIL -> {
                update(notification.getId(), row -> {
                    row.setAttempts(attempts);
                    row.setStatus(DeliveryStatus.FAILED.name());
                    row.setLastError(truncate(error));
                    release(row);
                });
                metrics.failed();
                LOG.warnf("Back-channel logout to client %s for session %s failed for good after %d tries: %s",
                        notification.getClientId(), notification.getUserSessionId(), attempts, error);
            }
        }
    }

    private void finish(LogoutNotificationEntity notification, DeliveryStatus status, String error) {
        update(notification.getId(), row -> {
            row.setStatus(status.name());
            row.setLastError(error);
            release(row);
        });
        metrics.failed();
    }

    private void update(String id, java.util.function.Consumer<LogoutNotificationEntity> change) {
        try {
            KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> {
                LogoutNotificationEntity row = new LogoutOutbox(session).find(id);
                if (row != null) {
                    change.accept(row);
                }
            });
        } catch (RuntimeException e) {
            // The lease runs out and the row is tried again: a duplicate after an unrecorded try, never a loss.
            LOG.warnf("Could not record the outcome of logout notification %s: %s", id, e.getMessage());
        }
    }

    private static void release(LogoutNotificationEntity row) {
        row.setClaimToken(null);
        row.setClaimedUntil(null);
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 1000 ? error : error.substring(0, 1000);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
