package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.backchannel.BackchannelTarget;
import io.github.sessionguard.logout.delivery.BackchannelPost.Attempt;
import io.github.sessionguard.logout.outbox.AttemptOutcome;
import io.github.sessionguard.logout.outbox.LogoutAttempt;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.OutboxStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * One client's claimed notifications, delivered together: signed in one Keycloak session right before the send (so
 * the tokens are fresh) and sent to the client's back-channel logout URL as it is then, posted at once, and their
 * outcomes recorded in one transaction, each with its try (for the session's receipt). A notification whose client is
 * no longer told is skipped, with the reason. Per token that leaves the RSA signature and the POST; the transactions,
 * which cost more than both, are paid once per batch.
 */
final class DeliveryBatch {

    private static final Logger LOG = Logger.getLogger(DeliveryBatch.class);

    private final KeycloakSessionFactory sessionFactory;
    private final BackchannelPost post;
    private final RetryPolicy retryPolicy;
    private final DeliveryMetrics metrics;

    DeliveryBatch(KeycloakSessionFactory sessionFactory, BackchannelPost post, RetryPolicy retryPolicy,
            DeliveryMetrics metrics) {
        this.sessionFactory = sessionFactory;
        this.post = post;
        this.retryPolicy = retryPolicy;
        this.metrics = metrics;
    }

    void deliver(List<Notification> batch) {
        Map<Notification, CompletableFuture<Attempt>> tries = new LinkedHashMap<>();
        Map<Notification, String> urls = new LinkedHashMap<>();
        Map<Notification, Token> tokens = signed(batch);
        long sentAt = Time.currentTimeMillis();
        tokens.forEach((notification, token) -> {
            urls.put(notification, token.url());
            tries.put(notification, token.value() != null
                    ? post.send(token.url(), token.value())
                    : CompletableFuture.completedFuture(token.instead()));
        });
        Map<Notification, Attempt> outcomes = new LinkedHashMap<>();
        tries.forEach((notification, attempt) -> outcomes.put(notification, awaited(attempt)));
        record(outcomes, urls, sentAt);
    }

    /**
     * A signed token and the URL it goes to, or, when there is nothing to send, the attempt that stands for the try.
     */
    private record Token(String value, String url, Attempt instead) {

        static Token signed(String value, String url) {
            return new Token(value, url, null);
        }

        static Token instead(Attempt attempt) {
            return new Token(null, null, attempt);
        }
    }

    /**
     * Reads each notification's client as it is now (Keycloak's cached model; a batch is one client's), so that a
     * notification goes to the URL in force when it is sent, and one whose client is no longer told is skipped.
     */
    private Map<Notification, Token> signed(List<Notification> batch) {
        try {
            return KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
                Map<Notification, Token> tokens = new LinkedHashMap<>();
                Map<String, Optional<ClientModel>> clients = new HashMap<>();
                for (Notification notification : batch) {
                    ClientModel client = clients.computeIfAbsent(notification.realmId() + "/"
                            + notification.clientUuid(), key -> currentClient(session, notification)).orElse(null);
                    BackchannelTarget target = BackchannelTarget.of(client);
                    tokens.put(notification, target.told()
                            ? Token.signed(LogoutTokenSigner.sign(session, client, notification), target.url())
                            : Token.instead(Attempt.skipped(target.miss().describe())));
                }
                return tokens;
            });
        } catch (RuntimeException e) {
            Map<Notification, Token> unsigned = new LinkedHashMap<>();
            batch.forEach(notification -> unsigned.put(notification,
                    Token.instead(Attempt.noAnswer("could not sign the logout token: " + e.getMessage()))));
            return unsigned;
        }
    }

    private static Optional<ClientModel> currentClient(KeycloakSession session, Notification notification) {
        RealmModel realm = session.realms().getRealm(notification.realmId());
        return Optional.ofNullable(realm == null ? null : realm.getClientById(notification.clientUuid()));
    }

    private static Attempt awaited(CompletableFuture<Attempt> attempt) {
        try {
            return attempt.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempt.cancel(true);
            return Attempt.noAnswer("interrupted (node shutting down)");
        } catch (ExecutionException e) {
            return Attempt.noAnswer(String.valueOf(e.getCause()));
        }
    }

    /** One transaction for the batch; should it fail, one per notification, so that no row spoils the others. */
    private void record(Map<Notification, Attempt> outcomes, Map<Notification, String> urls, long sentAt) {
        long now = Time.currentTimeMillis();
        List<Outcome> judged = new ArrayList<>();
        outcomes.forEach((notification, attempt) -> judged.add(judge(notification, attempt, urls.get(notification),
                sentAt, now)));
        try {
            List<Boolean> recorded = KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory, session -> {
                OutboxStore store = new OutboxStore(session);
                return judged.stream().map(outcome -> outcome.write(store)).toList();
            });
            for (int i = 0; i < judged.size(); i++) {
                judged.get(i).reportIf(recorded.get(i), now);
            }
        } catch (RuntimeException batchFailed) {
            LOG.debugf("Recording %d outcomes at once failed (%s); recording them one by one", judged.size(),
                    batchFailed.getMessage());
            judged.forEach(outcome -> recordAlone(outcome, now));
        }
    }

    private void recordAlone(Outcome outcome, long now) {
        try {
            outcome.reportIf(KeycloakModelUtils.runJobInTransactionWithResult(sessionFactory,
                    session -> outcome.write(new OutboxStore(session))), now);
        } catch (RuntimeException e) {
            // The lease runs out and the row is tried again: a duplicate after an unrecorded try, never a loss.
            LOG.warnf("Could not record the outcome of logout notification %s: %s", outcome.notification.id(),
                    e.getMessage());
        }
    }

    /**
     * @param url    where the token was posted; null when nothing was (the row keeps the URL it has)
     * @param sentAt when the batch's tokens were posted
     */
    private Outcome judge(Notification notification, Attempt attempt, String url, long sentAt, long now) {
        if (attempt.wasSkipped()) {
            return new Outcome(notification, attempt, null, 0,
                    tried(notification.attempts() + 1, sentAt, now, AttemptOutcome.SKIPPED, attempt));
        }
        int attempts = notification.attempts() + 1;
        AttemptOutcome outcome = retryPolicy.judge(attempt.status(), attempts, notification.queuedAt(), now);
        long next = outcome == AttemptOutcome.RETRY
                ? retryPolicy.nextAttemptAt(attempts, notification.queuedAt(), now) : 0;
        return new Outcome(notification, attempt, url != null ? url : notification.logoutUrl(), next,
                tried(attempts, sentAt, now, outcome, attempt));
    }

    /** The try as the receipt shows it: the relying party's status, if one answered, and the error, if any. */
    private static LogoutAttempt tried(int number, long sentAt, long now, AttemptOutcome outcome, Attempt attempt) {
        return new LogoutAttempt(number, sentAt, now, outcome, attempt.status() > 0 ? attempt.status() : null,
                outcome == AttemptOutcome.DELIVERED ? null : attempt.error());
    }

    private final class Outcome {
        private final Notification notification;
        private final Attempt attempt;
        private final String url;
        private final long nextAttemptAt;
        /** What the try came to, and its number, as the row and the receipt record them. */
        private final LogoutAttempt tried;

        Outcome(Notification notification, Attempt attempt, String url, long nextAttemptAt, LogoutAttempt tried) {
            this.notification = notification;
            this.attempt = attempt;
            this.url = url;
            this.nextAttemptAt = nextAttemptAt;
            this.tried = tried;
        }

        /**
         * The outcome and the try, fenced by the claim: a lost claim records neither.
         *
         * @return whether the claim still held, i.e. whether the outcome was recorded
         */
        boolean write(OutboxStore store) {
            return store.record(notification, tried, url, nextAttemptAt);
        }

        void reportIf(boolean recorded, long now) {
            if (!recorded) {
                LOG.debugf("Outcome of logout notification %s not recorded: its claim had run out",
                        notification.id());
                return;
            }
            switch (tried.outcome()) {
                case DELIVERED -> metrics.delivered(notification.createdAt(), now);
                case RETRY -> {
                    metrics.retried();
                    LOG.debugf("Back-channel logout to client %s for session %s failed (%s); retry %d at %d",
                            notification.clientId(), notification.userSessionId(), attempt.error(), tried.number(),
                            nextAttemptAt);
                }
                case FAILED -> {
                    metrics.failed();
                    LOG.warnf("Back-channel logout to client %s of realm %s for session %s failed for good after %d"
                            + " tries: %s", notification.clientId(), notification.realmId(),
                            notification.userSessionId(), tried.number(), attempt.error());
                }
                case SKIPPED -> {
                    metrics.skipped();
                    LOG.debugf("Back-channel logout to client %s of realm %s for session %s skipped: %s",
                            notification.clientId(), notification.realmId(), notification.userSessionId(),
                            attempt.error());
                }
            }
        }
    }
}
