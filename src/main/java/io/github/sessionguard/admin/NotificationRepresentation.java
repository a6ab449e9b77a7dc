package io.github.sessionguard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.NotificationStatus;

/**
 * One logout notification as operators see it in {@code GET .../session-guard/deliveries}. Times are epoch millis;
 * {@code url} is where the last try went (before the first, the client's URL when the notification was queued), and
 * {@code lastError} of a skipped one says why it was not sent. {@code userSessionId}, {@code userId} and
 * {@code lastError} say whose session it was; they are null for a caller who may not view users.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record NotificationRepresentation(
        String id,
        String status,
        String clientId,
        String url,
        String userSessionId,
        String userId,
        String reason,
        String jti,
        int attempts,
        String lastError,
        long createdAt,
        Long nextAttemptAt,
        Long deliveredAt) {

    /** The same notification without whose session it was, and without the relying party's answer, which may say. */
    NotificationRepresentation withoutWhoseSession() {
        return new NotificationRepresentation(id, status, clientId, url, null, null, reason, jti, attempts, null,
                createdAt, nextAttemptAt, deliveredAt);
    }

    static NotificationRepresentation of(Notification row) {
        boolean pending = row.status() == NotificationStatus.PENDING;
        return new NotificationRepresentation(row.id(), row.status().name().toLowerCase(java.util.Locale.ROOT),
                row.clientId(), row.logoutUrl(), row.userSessionId(), row.userId(), row.reason().detail(), row.jti(),
                row.attempts(), row.lastError(), row.createdAt(), pending ? row.nextAttemptAt() : null,
                row.deliveredAt());
    }
}
