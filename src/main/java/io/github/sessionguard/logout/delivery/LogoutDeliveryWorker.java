package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.OutboxStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Delivers the outbox, on every node, off every request thread, as a pipeline. A claim takes, in one transaction, a
 * few slots' worth of due rows per client ahead of what the node can send at once, with a lease longer than the
 * longest try, so no two nodes send the same row while it is in flight; rows a client's claim left out wait for the
 * next. Held rows go to free delivery slots (while other clients have rows waiting, no client past its share) in small
 * batches per client, each token posted the moment it is signed; answers are recorded together by the
 * {@link OutcomeRecorder}, each against its claim, so a node whose lease ran out changes nothing. A slot frees as soon
 * as its relying party has answered, and is filled from the rows held, without a query; a claim comes only when a
 * client's held rows run low or slots stay idle. A node that dies mid-delivery loses nothing: its leases run out and
 * another node claims the rows; a node that stops gives back what it holds and hasn't sent.
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
    /**
     * Rows a client may have claimed ahead, per slot of its share: enough that one claim feeds tens of deliveries
     * (with the default share, a claim comes every 64 or more), few enough that they are sent long before their claim
     * runs out, unless the relying party hangs (then they go back to the table as their claim nears its end).
     */
    private static final int AHEAD_PER_SLOT = 8;
    /** Most rows one claim takes: a statement's list of ids stays short for every database. */
    private static final int CLAIM_AT_MOST = 500;
    /** Most queries one claim makes for due rows, each leaving out the clients seen before. */
    private static final int MOST_ROUNDS = 4;

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
    /** Rows claimed ahead and not yet sent; the poller's thread alone touches them. */
    private final ClaimedRows held = new ClaimedRows();
    /** Set when rows may have been added or come due since the last claim: the next poll looks again. */
    private final AtomicBoolean freshRows = new AtomicBoolean(true);
    /**
     * After a claim that saw every due row: the clients it left out (then holding enough). Until rows are added, come
     * due, or one of those clients runs low, another claim would find nothing: null when it might. Poller's thread.
     */
    private Set<String> drainedBeyond;
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

    /** Called after a transaction that queued notifications commits. */
    void rowsQueued() {
        freshRows.set(true);
        wakeUp();
    }

    /** Called when a slot frees up, and after outcomes are recorded. */
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
        try {
            if (poller.awaitTermination(settings.stopGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                release(held.takeAll());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("Server stop: could not give back the logout notifications claimed ahead (%s); their leases"
                    + " will run out and another node sends them", e.getMessage());
        }
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
        // Rows come due with time, and other nodes add rows and let claims run out: look again each interval.
        freshRows.set(true);
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
        if (recorder.unrecorded() >= UNRECORDED_PER_SLOT * settings.concurrency()) {
            return;
        }
        releaseExpiring(Time.currentTimeMillis());
        dispatch();
        if (shouldClaim()) {
            claimAhead(Time.currentTimeMillis());
            dispatch();
        }
    }

    /** Hands held rows to free slots, in small batches per client, each client within its share. */
    private void dispatch() {
        int free = slots.availablePermits();
        if (free == 0 || held.isEmpty()) {
            return;
        }
        List<ClaimedRows.Claimed> sending = held.take(SlotChoice.choose(held.inOrder(), free, inFlightNow(),
                settings.concurrencyPerClient(), loneShare()));
        Map<String, List<ClaimedRows.Claimed>> byClient = new LinkedHashMap<>();
        sending.forEach(row -> byClient.computeIfAbsent(row.notification().clientUuid(), id -> new ArrayList<>())
                .add(row));
        List<Notification> untried = new ArrayList<>();
        for (List<ClaimedRows.Claimed> clientsShare : byClient.values()) {
            for (int from = 0; from < clientsShare.size(); from += BATCH_LIMIT) {
                List<ClaimedRows.Claimed> rows = clientsShare.subList(from,
                        Math.min(from + BATCH_LIMIT, clientsShare.size()));
                List<Notification> batch = rows.stream().map(ClaimedRows.Claimed::notification).toList();
                long leaseUntil = rows.stream().mapToLong(ClaimedRows.Claimed::leaseUntil).min().orElseThrow();
                batch.forEach(this::reserve);
                try {
                    senders.execute(() -> batches.send(batch, leaseUntil, this::finished));
                } catch (RejectedExecutionException shuttingDown) {
                    batch.forEach(this::unreserve);
                    untried.addAll(batch);
                }
            }
        }
        release(untried);
    }

    /**
     * Whether to claim now: slots are idle, or a client's held rows run low, unless the last claim saw every due row
     * (nothing was added or came due since) and no client it left out has run low since.
     */
    private boolean shouldClaim() {
        if (freshRows.getAndSet(false)) {
            drainedBeyond = null;
        }
        Map<String, Integer> heldByClient = held.countByClient();
        Set<String> full = fullClients(heldByClient);
        if (drainedBeyond != null && full.containsAll(drainedBeyond)) {
            return false;
        }
        if (slots.availablePermits() > 0) {
            return true;
        }
        Set<String> active = new HashSet<>(heldByClient.keySet());
        inFlightByClient.forEach((client, count) -> {
            if (count.get() > 0) {
                active.add(client);
            }
        });
        return !full.containsAll(active);
    }

    /** Clients holding at least half their rows ahead: a claim leaves them out. */
    private Set<String> fullClients(Map<String, Integer> heldByClient) {
        return heldByClient.entrySet().stream().filter(entry -> entry.getValue() >= perClientAhead() / 2)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /**
     * Claims, in one transaction, up to {@link #perClientAhead()} rows held per client, the longest due first. Each
     * round leaves out the clients seen before, so that one client's backlog can't hide another's rows; the rounds end
     * when a round has seen every due row left.
     */
    private void claimAhead(long now) {
        long leaseUntil = now + settings.lease().toMillis();
        Map<String, Integer> heldByClient = held.countByClient();
        Set<String> leftOut = new HashSet<>(fullClients(heldByClient));
        AtomicReference<Set<String>> sawEveryDueRowBeyond = new AtomicReference<>();
        List<Notification> claimed = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
            OutboxStore outbox = new OutboxStore(session);
            List<String> chosen = new ArrayList<>();
            for (int round = 0; round < MOST_ROUNDS && chosen.size() < CLAIM_AT_MOST; round++) {
                int page = Math.min(settings.batchSize(), CLAIM_AT_MOST - chosen.size());
                List<OutboxStore.Due> due = outbox.due(now, page, List.copyOf(leftOut));
                chosen.addAll(ClaimChoice.choose(due, heldByClient, perClientAhead()));
                due.forEach(row -> leftOut.add(row.clientUuid()));
                if (due.size() < page) {
                    sawEveryDueRowBeyond.set(Set.copyOf(leftOut));
                    break;
                }
            }
            return outbox.claim(chosen, now, leaseUntil);
        });
        held.add(claimed, leaseUntil);
        drainedBeyond = sawEveryDueRowBeyond.get();
    }

    /** Rows held too long to be sent within their claim go back to the table, for any node to claim at once. */
    private void releaseExpiring(long now) {
        release(held.takeExpiring(now, settings.longestTry().toMillis()));
    }

    private void release(List<Notification> untried) {
        if (!untried.isEmpty()) {
            KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> new OutboxStore(session).release(untried));
        }
    }

    /** Rows held ahead per client, at most: {@link #AHEAD_PER_SLOT} per slot of its share. */
    private int perClientAhead() {
        return settings.concurrencyPerClient() * AHEAD_PER_SLOT;
    }

    private Map<String, Integer> inFlightNow() {
        Map<String, Integer> inFlight = new HashMap<>();
        inFlightByClient.forEach((client, count) -> inFlight.put(client, count.get()));
        return inFlight;
    }

    /** Three quarters of the slots: the last quarter stays free for a client whose rows come due meanwhile. */
    private int loneShare() {
        return settings.concurrency() - settings.concurrency() / 4;
    }

    /** A slot, and one of the client's own; {@link SlotChoice} hands out no more rows than there are free. */
    private void reserve(Notification notification) {
        if (!slots.tryAcquire()) {
            throw new IllegalStateException("Handed out more held logout notifications than there were free slots");
        }
        inFlightByClient.computeIfAbsent(notification.clientUuid(), id -> new AtomicInteger()).incrementAndGet();
    }

    private void unreserve(Notification notification) {
        inFlightByClient.get(notification.clientUuid()).decrementAndGet();
        slots.release();
    }

    /**
     * The notification's relying party answered (or it was skipped, or not sent): its slot is free for the next. The
     * poller is woken once a batch's worth of slots is free (every slot, on a node with fewer): under load answers
     * come one at a time, and a batch per answer would pay for a Keycloak session, a transaction and a signer per
     * token. Fewer free slots wait for the next answer, the recorder's next write or the next tick.
     */
    private void finished(Notification notification) {
        unreserve(notification);
        if (slots.availablePermits() >= Math.min(BATCH_LIMIT, settings.concurrency())) {
            wakeUp();
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

    /** The delivery's threads never hold a stopping server up: {@link #stop()} ends their work first. */
    static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
