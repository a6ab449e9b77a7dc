package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.delivery.BackchannelPost.Attempt;
import io.github.sessionguard.logout.outbox.LogoutAttempt;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.OutboxStore;
import org.jboss.logging.Logger;

/** What one try of a claimed notification came to, judged, waiting to be recorded against its claim. */
final class DeliveryOutcome {

    private static final Logger LOG = Logger.getLogger(DeliveryOutcome.class);

    private final Notification notification;
    private final Attempt attempt;
    private final String url;
    private final long nextAttemptAt;
    /** What the try came to, and its number, as the row and the receipt record them. */
    private final LogoutAttempt tried;

    /**
     * @param url           where the token was posted; null when nothing was (the row keeps the URL it has)
     * @param nextAttemptAt when to try again, for a retry
     */
    DeliveryOutcome(Notification notification, Attempt attempt, String url, long nextAttemptAt, LogoutAttempt tried) {
        this.notification = notification;
        this.attempt = attempt;
        this.url = url;
        this.nextAttemptAt = nextAttemptAt;
        this.tried = tried;
    }

    Notification notification() {
        return notification;
    }

    /** The outcome and the try, as the store records them, fenced by the claim: a lost claim records neither. */
    OutboxStore.Outcome toRecord() {
        return new OutboxStore.Outcome(notification, tried, url, nextAttemptAt);
    }

    void reportIf(boolean recorded, long now, DeliveryMetrics metrics) {
        if (!recorded) {
            LOG.debugf("Outcome of logout notification %s not recorded: its claim had run out", notification.id());
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
