package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.OutboxStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Records outcomes as relying parties answer, whichever batch they came from: what has come in during a few tens of
 * milliseconds is written in one transaction and two JDBC batches, each outcome fenced by its claim, so that a
 * relying party answering fast costs a share of a commit and of a round trip, not its own, and no sender waits for
 * the database. Should a transaction fail, its
 * outcomes are recorded one by one, so that no row spoils the others; one that can't be recorded is sent again once
 * its lease runs out (a duplicate after an unrecorded try, never a loss).
 */
final class OutcomeRecorder {

    private static final Logger LOG = Logger.getLogger(OutcomeRecorder.class);
    /** How long answers gather before they are written together. */
    static final long GATHER_MILLIS = 20;
    /** Most outcomes in one transaction. */
    private static final int MOST_AT_ONCE = 500;

    private final KeycloakSessionFactory sessionFactory;
    private final DeliveryMetrics metrics;
    private final Runnable afterRecording;
    private final ConcurrentLinkedQueue<DeliveryOutcome> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unrecorded = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(
            runnable -> LogoutDeliveryWorker.daemon(runnable, "session-guard-outbox-recorder"));

    /** @param afterRecording runs after each write (the worker polls again: claims may have been held back) */
    OutcomeRecorder(KeycloakSessionFactory sessionFactory, DeliveryMetrics metrics, Runnable afterRecording) {
        this.sessionFactory = sessionFactory;
        this.metrics = metrics;
        this.afterRecording = afterRecording;
    }

    void record(DeliveryOutcome outcome) {
        unrecorded.incrementAndGet();
        waiting.add(outcome);
        if (scheduled.compareAndSet(false, true)) {
            try {
                writer.schedule(this::writeWaiting, GATHER_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                scheduled.set(false);
            }
        }
    }

    /** Outcomes handed in and not written yet. */
    int unrecorded() {
        return unrecorded.get();
    }

    /** Writes what is still waiting, on the caller's thread, and stops. */
    void stop() {
        writer.shutdownNow();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (!waiting.isEmpty()) {
            writeSome();
        }
    }

    private void writeWaiting() {
        scheduled.set(false);
        while (!waiting.isEmpty()) {
            writeSome();
        }
        afterRecording.run();
    }

    private void writeSome() {
        List<DeliveryOutcome> some = new ArrayList<>();
        for (DeliveryOutcome outcome; some.size() < MOST_AT_ONCE && (outcome = waiting.poll()) != null; ) {
            some.add(outcome);
        }
        if (some.isEmpty()) {
            return;
        }
        long now = Time.currentTimeMillis();
        try {
            boolean[] recorded = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session ->
                    new OutboxStore(session).recordAll(some.stream().map(DeliveryOutcome::toRecord).toList()));
            for (int i = 0; i < some.size(); i++) {
                some.get(i).reportIf(recorded[i], now, metrics);
            }
        } catch (RuntimeException together) {
            LOG.debugf("Recording %d outcomes at once failed (%s); recording them one by one", some.size(),
                    together.getMessage());
            some.forEach(outcome -> recordAlone(outcome, now));
        } finally {
            unrecorded.addAndGet(-some.size());
        }
    }

    private void recordAlone(DeliveryOutcome outcome, long now) {
        try {
            outcome.reportIf(KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                    session -> new OutboxStore(session).recordAll(List.of(outcome.toRecord()))[0]), now, metrics);
        } catch (RuntimeException e) {
            LOG.warnf("Could not record the outcome of logout notification %s: %s", outcome.notification().id(),
                    e.getMessage());
        }
    }
}
