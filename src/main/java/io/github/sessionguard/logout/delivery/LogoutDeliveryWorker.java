package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.OutboxStore;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Delivers the outbox, on every node, off every request thread. A poll claims only what this node can send at once
 * (free delivery slots, and clients below their own limit), with a lease longer than the longest try, so no two nodes
 * send the same row while it is in flight; each delivery is one signed logout token, one POST with bounded timeouts
 * (the answer's body too), no redirects, and the outcome recorded against the claim, so a node whose lease ran out
 * changes nothing. A node that dies mid-delivery loses nothing: its lease runs out and another node claims the row.
 */
final class LogoutDeliveryWorker {

    private static final Logger LOG = Logger.getLogger(LogoutDeliveryWorker.class);
    private static final int ERROR_BODY_BYTES = 256;

    private final KeycloakSessionFactory sessionFactory;
    private final OutboxSettings settings;
    private final RetryPolicy retryPolicy;
    private final DeliveryMetrics metrics = new DeliveryMetrics();
    private final Semaphore slots;
    private final Map<String, AtomicInteger> inFlightByClient = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            runnable -> daemon(runnable, "session-guard-outbox-poller"));
    private final ExecutorService senders;
    private final HttpClient http;
    private final AtomicBoolean wakeUpQueued = new AtomicBoolean();
    /** Until the first poll succeeds the server is still starting (its schema may not exist yet): stay quiet. */
    private volatile boolean polledOnce;
    private volatile long lastHousekeeping;

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
        poller.scheduleWithFixedDelay(this::tick, settings.pollInterval().toMillis(),
                settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Called after a transaction that queued notifications commits, and when a slot frees up. */
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

    /** Stops claiming, and waits up to {@code stop-grace-ms} for the deliveries in flight to be recorded. */
    void stop() {
        poller.shutdownNow();
        senders.shutdown();
        try {
            if (!senders.awaitTermination(settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("Server stop: %d logout deliveries still in flight after %d ms; their leases will run out"
                        + " and another node (or this one, restarted) sends them again",
                        settings.concurrency() - slots.availablePermits(), settings.stopGrace().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdownNow();
    }

    private void tick() {
        pollSafely();
        countQueue();
        long now = System.currentTimeMillis();
        if (polledOnce && now - lastHousekeeping > 60_000) {
            lastHousekeeping = now;
            housekeeping(now);
        }
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
        int free = slots.availablePermits();
        if (free == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        List<String> busy = inFlightByClient.entrySet().stream()
                .filter(entry -> entry.getValue().get() >= settings.concurrencyPerClient())
                .map(Map.Entry::getKey).toList();
        List<Notification> claimed = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
            OutboxStore outbox = new OutboxStore(session);
            return outbox.claimDue(now, Math.min(free, settings.batchSize()), now + settings.lease().toMillis(), busy);
        });
        List<Notification> untried = new ArrayList<>();
        for (Notification notification : claimed) {
            if (!reserve(notification)) {
                untried.add(notification);
                continue;
            }
            try {
                senders.execute(() -> {
                    try {
                        deliver(notification);
                    } finally {
                        unreserve(notification);
                        wakeUp();
                    }
                });
            } catch (RejectedExecutionException shuttingDown) {
                unreserve(notification);
                untried.add(notification);
            }
        }
        if (!untried.isEmpty()) {
            KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> new OutboxStore(session).release(untried));
        }
    }

    /** A slot, and one of the client's own: a hanging relying party holds at most its share of the slots. */
    private boolean reserve(Notification notification) {
        if (!slots.tryAcquire()) {
            return false;
        }
        AtomicInteger client = inFlightByClient.computeIfAbsent(notification.clientUuid(), id -> new AtomicInteger());
        if (client.incrementAndGet() > settings.concurrencyPerClient()) {
            client.decrementAndGet();
            slots.release();
            return false;
        }
        return true;
    }

    private void unreserve(Notification notification) {
        inFlightByClient.get(notification.clientUuid()).decrementAndGet();
        slots.release();
    }

    private void deliver(Notification notification) {
        if (!LogoutFunnel.isHttp(notification.logoutUrl())) {
            record(notification, -1, "not an http(s) URL: never tried");
            return;
        }
        String token;
        try {
            token = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                    session -> LogoutTokenSigner.sign(session, notification));
        } catch (RuntimeException e) {
            record(notification, 0, "could not sign the logout token: " + e.getMessage());
            return;
        }
        if (token == null) {
            record(notification, -1, "realm or client no longer exists");
            return;
        }
        Attempt attempt = post(notification.logoutUrl(), token);
        record(notification, attempt.status(), attempt.error());
    }

    private record Attempt(int status, String error) {
    }

    private Attempt post(String url, String logoutToken) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token="
                        + URLEncoder.encode(logoutToken, StandardCharsets.UTF_8)))
                .build();
        // The answer's headers within the read timeout (the request's own); of an error answer, the first bytes of
        // its body within the body timeout, whatever has come by then; of a success, nothing of the body.
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, info -> new Excerpt(
                info.statusCode() / 100 == 2 ? 0 : ERROR_BODY_BYTES, settings.bodyTimeout()));
        Duration bound = settings.readTimeout().plus(settings.bodyTimeout()).plusSeconds(1);
        try {
            HttpResponse<String> response = exchange.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new Attempt(status, null);
            }
            String excerpt = response.body().strip();
            return new Attempt(status, "HTTP " + status + (excerpt.isEmpty() ? "" : ": " + excerpt));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return new Attempt(0, "no answer within " + bound.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Attempt(0, cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt(0, "interrupted (node shutting down)");
        }
    }

    /** @param status the HTTP status; 0 when no answer came; -1 when the notification can never be delivered */
    private void record(Notification notification, int status, String error) {
        long now = System.currentTimeMillis();
        int attempts = notification.attempts() + 1;
        RetryPolicy.Verdict verdict = status < 0 ? RetryPolicy.Verdict.FAIL
                : retryPolicy.judge(status, attempts, notification.queuedAt(), now);
        boolean recorded;
        switch (verdict) {
            case DELIVERED -> {
                recorded = update(notification, store -> store.recordDelivered(notification, attempts, now));
                if (recorded) {
                    metrics.delivered(notification.createdAt(), now);
                }
            }
            case RETRY -> {
                long next = retryPolicy.nextAttemptAt(attempts, notification.queuedAt(), now);
                recorded = update(notification, store -> store.recordRetry(notification, attempts, next, error));
                metrics.retried();
                LOG.debugf("Back-channel logout to client %s for session %s failed (%s); retry %d at %d",
                        notification.clientId(), notification.userSessionId(), error, attempts, next);
            }
            default -> {
                recorded = update(notification, store -> store.recordFailed(notification, attempts, error));
                metrics.failed();
                LOG.warnf("Back-channel logout to client %s of realm %s for session %s failed for good after %d"
                        + " tries: %s", notification.clientId(), notification.realmId(), notification.userSessionId(),
                        attempts, error);
            }
        }
        if (!recorded) {
            LOG.debugf("Outcome of logout notification %s not recorded: its claim had run out", notification.id());
        }
    }

    private interface Outcome {
        boolean write(OutboxStore store);
    }

    private boolean update(Notification notification, Outcome outcome) {
        try {
            return KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                    session -> outcome.write(new OutboxStore(session)));
        } catch (RuntimeException e) {
            // The lease runs out and the row is tried again: a duplicate after an unrecorded try, never a loss.
            LOG.warnf("Could not record the outcome of logout notification %s: %s", notification.id(), e.getMessage());
            return false;
        }
    }

    /** Once per poll interval, not per poll: under load a poll follows every delivery. */
    private void countQueue() {
        try {
            metrics.queueDepth(KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                    session -> new OutboxStore(session).pendingCount()));
        } catch (RuntimeException e) {
            LOG.debug("Could not count the outbox queue", e);
        }
    }

    /** Delivered and failed notifications older than {@code retention-seconds} are deleted. */
    private void housekeeping(long now) {
        try {
            int purged = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                    session -> new OutboxStore(session).purgeFinished(now - settings.retention().toMillis()));
            if (purged > 0) {
                LOG.debugf("Deleted %d finished logout notifications past retention", purged);
            }
        } catch (RuntimeException e) {
            LOG.debugf("Outbox housekeeping failed, will run again: %s", e.getMessage());
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Keeps at most the first {@code limit} bytes of an answer's body, read for at most {@code within}, then stops
     * reading it.
     */
    private static final class Excerpt implements HttpResponse.BodySubscriber<String> {

        private final int limit;
        private final Duration within;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<String> text = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;

        Excerpt(int limit, Duration within) {
            this.limit = limit;
            this.within = within;
        }

        @Override
        public CompletionStage<String> getBody() {
            return text;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (limit == 0) {
                subscription.cancel();
                finish();
                return;
            }
            CompletableFuture.delayedExecutor(within.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                subscription.cancel();
                finish();
            });
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            synchronized (bytes) {
                for (ByteBuffer buffer : buffers) {
                    int take = Math.min(buffer.remaining(), limit - bytes.size());
                    byte[] chunk = new byte[take];
                    buffer.get(chunk);
                    bytes.writeBytes(chunk);
                }
            }
            if (bytes.size() >= limit) {
                subscription.cancel();
                finish();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable error) {
            finish();
        }

        @Override
        public void onComplete() {
            finish();
        }

        private void finish() {
            synchronized (bytes) {
                text.complete(bytes.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
