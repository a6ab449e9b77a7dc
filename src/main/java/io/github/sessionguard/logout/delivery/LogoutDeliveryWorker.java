package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.OutboxStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Delivers the outbox, on every node, off every request thread, as a pipeline: a poll claims only what this node can
 * send at once (its free delivery slots; while other clients have rows due, no client past its share), with a lease
 * longer than the longest try, so no two nodes send the same row while it is in flight. Claimed rows go out in small
 * batches per client, each token posted the moment it is signed; answers are recorded together by the
 * {@link OutcomeRecorder}, each against its claim, so a node whose lease ran out changes nothing. A slot frees as soon
 * as its relying party has answered, and frees the next poll. A node that dies mid-delivery loses nothing: its lease
 * runs out and another node claims the row.
 */
final class LogoutDeliveryWorker {

    private static final Logger LOG = Logger.getLogger(LogoutDeliveryWorker.class);
    /**
     * Most notifications of one client signed in one Keycloak session: enough to pay for the session once for many
     * tokens, few enough that a client's share of the slots makes several batches, signed side by side.
     */
    private static final int BATCH_LIMIT = 8;
    /**
     * Outcomes waiting to be written, per slot, past which no more is claimed: should the database slow down, the rows
     * held without a recorded outcome stay few, and their leases far from running out.
     */
    private static final int UNRECORDED_PER_SLOT = 4;

    private final KeycloakSessionFactory sessionFactory;
    private final OutboxSettings settings;
    private final DeliveryMetrics metrics = new DeliveryMetrics();
    private final BackchannelPost post;
    private final OutcomeRecorder recorder;
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
        this.recorder = new OutcomeRecorder(sessionFactory, metrics, this::wakeUp);
        this.batches = new DeliveryBatch(sessionFactory, post, new RetryPolicy(settings), recorder,
                settings.longestTry());
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
        long until = System.currentTimeMillis() + settings.stopGrace().toMillis();
        try {
            while (slots.availablePermits() < settings.concurrency() && System.currentTimeMillis() < until) {
                Thread.sleep(OutcomeRecorder.GATHER_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (slots.availablePermits() < settings.concurrency()) {
            LOG.warnf("Server stop: %d logout deliveries still in flight after %d ms; their leases will run out"
                    + " and another node (or this one, restarted) sends them again",
                    settings.concurrency() - slots.availablePermits(), settings.stopGrace().toMillis());
        }
        senders.shutdownNow();
        recorder.stop();
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
        if (free == 0 || recorder.unrecorded() >= UNRECORDED_PER_SLOT * settings.concurrency()) {
            return;
        }
        long now = Time.currentTimeMillis();
        long leaseUntil = now + settings.lease().toMillis();
        Map<String, Integer> inFlight = new HashMap<>();
        inFlightByClient.forEach((client, count) -> inFlight.put(client, count.get()));
        List<String> busy = inFlight.entrySet().stream()
                .filter(entry -> entry.getValue() >= settings.concurrencyPerClient()).map(Map.Entry::getKey).toList();
        int candidates = Math.min(settings.batchSize(), Math.max(free, settings.concurrencyPerClient()) * 2);
        List<Notification> claimed = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
            OutboxStore outbox = new OutboxStore(session);
            List<OutboxStore.Due> due = outbox.due(now, candidates, busy);
            boolean othersWaiting;
            if (due.isEmpty()) {
                // Only clients at their share have rows due: alone, they may use the free slots.
                due = busy.isEmpty() ? due : outbox.due(now, candidates, List.of());
                othersWaiting = false;
            } else {
                // A busy client left out is another waiting; so is any client past the candidates of the one seen.
                Set<String> seen = due.stream().map(OutboxStore.Due::clientUuid).collect(Collectors.toSet());
                othersWaiting = !busy.isEmpty() || seen.size() > 1
                        || !outbox.due(now, 1, List.copyOf(seen)).isEmpty();
            }
            return outbox.claim(ClaimChoice.choose(due, free, inFlight, settings.concurrencyPerClient(),
                    loneShare(), othersWaiting), now, leaseUntil);
        });
        Map<String, List<Notification>> byClient = new LinkedHashMap<>();
        for (Notification notification : claimed) {
            reserve(notification);
            byClient.computeIfAbsent(notification.clientUuid(), id -> new ArrayList<>()).add(notification);
        }
        List<Notification> untried = new ArrayList<>();
        for (List<Notification> clientsShare : byClient.values()) {
            for (int from = 0; from < clientsShare.size(); from += BATCH_LIMIT) {
                List<Notification> batch = clientsShare.subList(from, Math.min(from + BATCH_LIMIT, clientsShare.size()));
                try {
                    senders.execute(() -> batches.send(batch, leaseUntil, this::finished));
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

    /** Three quarters of the slots: the last quarter stays free for a client whose rows come due meanwhile. */
    private int loneShare() {
        return settings.concurrency() - settings.concurrency() / 4;
    }

    /** A slot, and one of the client's own; the poll claimed no more than there were free. */
    private void reserve(Notification notification) {
        if (!slots.tryAcquire()) {
            throw new IllegalStateException("Claimed more logout notifications than there were free slots");
        }
        inFlightByClient.computeIfAbsent(notification.clientUuid(), id -> new AtomicInteger()).incrementAndGet();
    }

    private void unreserve(Notification notification) {
        inFlightByClient.get(notification.clientUuid()).decrementAndGet();
        slots.release();
    }

    /** The notification's relying party answered (or it was skipped, or not sent): its slot is free for the next. */
    private void finished(Notification notification) {
        unreserve(notification);
        wakeUp();
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
