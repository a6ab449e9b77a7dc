package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.backchannel.BackchannelTarget;
import io.github.sessionguard.logout.delivery.BackchannelPost.Attempt;
import io.github.sessionguard.logout.outbox.AttemptOutcome;
import io.github.sessionguard.logout.outbox.LogoutAttempt;
import io.github.sessionguard.logout.outbox.Notification;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * One client's claimed notifications, sent as a stream: each is signed (in one Keycloak session for the batch, the
 * client read as it is now, so that the token goes to the URL in force with the algorithm in force, by the signer
 * {@link RecentSigners} keeps for the realm's keys in force) and posted the moment it is signed, so that signing the
 * next overlaps the relying party's answer to the last. Each answer is judged and handed to the
 * {@link OutcomeRecorder}; no thread waits for it. A notification whose client is no longer told is skipped, with the
 * reason; one whose claim would run out before its longest try could end is not sent at all (another node may own it
 * by then), and is tried again once its lease has run out.
 */
final class DeliveryBatch {

    private final KeycloakSessionFactory sessionFactory;
    private final BackchannelPost post;
    private final RetryPolicy retryPolicy;
    private final OutcomeRecorder recorder;
    private final Duration longestTry;
    private final RecentSigners signers = new RecentSigners();

    DeliveryBatch(KeycloakSessionFactory sessionFactory, BackchannelPost post, RetryPolicy retryPolicy,
            OutcomeRecorder recorder, Duration longestTry) {
        this.sessionFactory = sessionFactory;
        this.post = post;
        this.retryPolicy = retryPolicy;
        this.recorder = recorder;
        this.longestTry = longestTry;
    }

    /**
     * @param claimedUntil when the batch's claim runs out
     * @param finished     runs once for each notification when its fate is decided (answered, skipped, not sent):
     *                     its delivery slot is free again
     */
    void send(List<Notification> batch, long claimedUntil, Consumer<Notification> finished) {
        Set<Notification> handled = new HashSet<>();
        try {
            KeycloakModelUtils.runJobInTransaction(sessionFactory, session -> {
                Map<String, Recipient> recipients = new HashMap<>();
                for (Notification notification : batch) {
                    Recipient recipient = recipients.computeIfAbsent(notification.realmId() + "/"
                            + notification.clientUuid(), key -> Recipient.of(session, notification, signers));
                    send(recipient, notification, claimedUntil, finished);
                    handled.add(notification);
                }
            });
        } catch (RuntimeException e) {
            for (Notification notification : batch) {
                if (handled.add(notification)) {
                    conclude(notification, Attempt.noAnswer("could not sign the logout token: " + e.getMessage()),
                            null, Time.currentTimeMillis(), finished);
                }
            }
        }
    }

    private void send(Recipient recipient, Notification notification, long claimedUntil,
            Consumer<Notification> finished) {
        if (Time.currentTimeMillis() + longestTry.toMillis() >= claimedUntil) {
            finished.accept(notification);
            return;
        }
        if (!recipient.target().told()) {
            conclude(notification, Attempt.skipped(recipient.target().miss().describe()), null,
                    Time.currentTimeMillis(), finished);
            return;
        }
        String token = recipient.signer().sign(notification);
        long sentAt = Time.currentTimeMillis();
        post.send(recipient.url(), token).thenAccept(attempt -> conclude(notification, attempt,
                recipient.target().url(), sentAt, finished));
    }

    /**
     * A notification's client as it is now: where its tokens go, if it is still told, and its signer (both null when
     * it is not told), read once for the batch's notifications of that client.
     */
    private record Recipient(BackchannelTarget target, URI url, LogoutTokenSigner signer) {

        static Recipient of(KeycloakSession session, Notification notification, RecentSigners signers) {
            RealmModel realm = session.realms().getRealm(notification.realmId());
            ClientModel client = realm == null ? null : realm.getClientById(notification.clientUuid());
            BackchannelTarget target = BackchannelTarget.of(client);
            return target.told()
                    ? new Recipient(target, URI.create(target.url()), signers.of(session, client))
                    : new Recipient(target, null, null);
        }
    }

    private void conclude(Notification notification, Attempt attempt, String url, long sentAt,
            Consumer<Notification> finished) {
        try {
            recorder.record(judge(notification, attempt, url, sentAt, Time.currentTimeMillis()));
        } finally {
            finished.accept(notification);
        }
    }

    /**
     * @param url    where the token was posted; null when nothing was (the row keeps the URL it has)
     * @param sentAt when the token was posted
     */
    private DeliveryOutcome judge(Notification notification, Attempt attempt, String url, long sentAt, long now) {
        if (attempt.wasSkipped()) {
            return new DeliveryOutcome(notification, attempt, null, 0,
                    tried(notification.attempts() + 1, sentAt, now, AttemptOutcome.SKIPPED, attempt));
        }
        int attempts = notification.attempts() + 1;
        AttemptOutcome outcome = retryPolicy.judge(attempt.status(), attempts, notification.queuedAt(), now);
        long next = outcome == AttemptOutcome.RETRY
                ? retryPolicy.nextAttemptAt(attempts, notification.queuedAt(), now) : 0;
        return new DeliveryOutcome(notification, attempt, url != null ? url : notification.logoutUrl(), next,
                tried(attempts, sentAt, now, outcome, attempt));
    }

    /** The try as the receipt shows it: the relying party's status, if one answered, and the error, if any. */
    private static LogoutAttempt tried(int number, long sentAt, long now, AttemptOutcome outcome, Attempt attempt) {
        return new LogoutAttempt(number, sentAt, now, outcome, attempt.status() > 0 ? attempt.status() : null,
                outcome == AttemptOutcome.DELIVERED ? null : attempt.error());
    }
}
