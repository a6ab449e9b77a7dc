package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.OutboxStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Delivers the outbox, on every node, off every request thread. A poll claims only what this node can send at once
 * (free delivery slots, and clients below their own limit), with a lease longer than the longest try, so no two nodes
 * send the same row while it is in flight. What one poll claims for one client goes out as {@link DeliveryBatch}es;
 * every outcome is recorded against the claim, so a node whose lease ran out changes nothing. A node that dies
 * mid-delivery loses nothing: its lease runs out and another node claims the row.
 */
final class LogoutDeliveryWorker {

    private static final Logger LOG = Logger.getLogger(LogoutDeliveryWorker.class);
    /**
     * Most notifications of one client in one batch: enough to pay a batch's transactions once for many tokens, few
     * enough that a client's share of the slots makes several batches, one being recorded while the next is sent.
     */
    private static final int BATCH_LIMIT = 8;

    private final KeycloakSessionFactory sessionFactory;
    private final OutboxSettings settings;
    private final DeliveryMetrics metrics = new DeliveryMetrics();
    private final BackchannelPost post;
    private final DeliveryBatch batches;
    private final Semaphore slots;
    private final Map<String, AtomicInteger> inFlightByClient = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            runnable -> daemon(runnable, "session-guard-outbox-poller"));
    private final ExecutorService senders;
    private final AtomicBoolean wakeUpQueued = new AtomicBoolean();
    /** Until the first poll succeeds the server is still starting (its schema may not exist yet): stay quiet. */
    private volatile boolean polledOnce;
    private volatile long lastHousekeeping;

    LogoutDeliveryWorker(KeycloakSessionFactory sessionFactory, OutboxSettings settings) {
        this.sessionFactory = sessionFactory;
        this.settings = settings;
        this.post = new BackchannelPost(settings);
        this.batches = new DeliveryBatch(sessionFactory, post, new RetryPolicy(settings), metrics);
        this.slots = new Semaphore(settings.concurrency());
        this.senders = Executors.newFixedThreadPool(settings.concurrency(),
                runnable -> daemon(runnable, "session-guard-outbox-sender"));
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
        post.close();
    }

    private void tick() {
        pollSafely();
        countQueue();
        // The worker's own cadence follows the wall clock; what it decides about rows, Keycloak's clock.
        long now = System.currentTimeMillis();
        if (polledOnce && now - lastHousekeeping >= settings.housekeepingInterval().toMillis()) {
            lastHousekeeping = now;
            housekeeping(Time.currentTimeMillis());
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
        long now = Time.currentTimeMillis();
        List<String> busy = inFlightByClient.entrySet().stream()
                .filter(entry -> entry.getValue().get() >= settings.concurrencyPerClient())
                .map(Map.Entry::getKey).toList();
        List<Notification> claimed = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
            OutboxStore outbox = new OutboxStore(session);
            return outbox.claimDue(now, Math.min(free, settings.batchSize()), now + settings.lease().toMillis(), busy);
        });
        List<Notification> untried = new ArrayList<>();
        Map<String, List<Notification>> byClient = new LinkedHashMap<>();
        for (Notification notification : claimed) {
            if (reserve(notification)) {
                byClient.computeIfAbsent(notification.clientUuid(), id -> new ArrayList<>()).add(notification);
            } else {
                untried.add(notification);
            }
        }
        for (List<Notification> clientsShare : byClient.values()) {
            for (int from = 0; from < clientsShare.size(); from += BATCH_LIMIT) {
                List<Notification> batch = clientsShare.subList(from, Math.min(from + BATCH_LIMIT, clientsShare.size()));
                try {
                    senders.execute(() -> {
                        try {
                            batches.deliver(batch);
                        } finally {
                            batch.forEach(this::unreserve);
                            wakeUp();
                        }
                    });
                } catch (RejectedExecutionException shuttingDown) {
                    batch.forEach(this::unreserve);
                    untried.addAll(batch);
                }
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

    /** The delivery's threads never hold a stopping server up: {@link #stop()} ends their work first. */
    static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
