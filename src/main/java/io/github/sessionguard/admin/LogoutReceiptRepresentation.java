package io.github.sessionguard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.sessionguard.logout.outbox.LogoutAttempt;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.NotificationHistory;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A session's logout receipt, {@code GET .../session-guard/sessions/{sessionId}/receipt}: when and why the session
 * died, and for each relying party that was to be told its notification, every try with its outcome, and when the
 * relying party acknowledged it. Times are epoch millis of Keycloak's clock.
 *
 * <p>The death is the earliest notification's: its {@code createdAt} and its reason. Where one client's part of the
 * session ended before the rest (a tier deadline, a reuse without revocation), that client's notification has its own
 * time and reason.
 *
 * @param ssfReceivers the Shared Signals receivers told of the death: always empty, as Session Guard sends no SSF
 *                     events yet; the place where they will be listed, beside the relying parties
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LogoutReceiptRepresentation(
        String realm,
        String sessionId,
        String userId,
        long diedAt,
        String reason,
        List<RelyingParty> relyingParties,
        List<Object> ssfReceivers) {

    /**
     * One relying party's notification: {@code url} is where its last try went, {@code deliveredAt} when its
     * acknowledgement (a 2xx answer) was recorded, null until then.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RelyingParty(
            String notificationId,
            String clientId,
            String url,
            String reason,
            String jti,
            String status,
            long createdAt,
            Long deliveredAt,
            List<Attempt> attempts) {
    }

    /**
     * One try: {@code attempt} counts the notification's tries (an admin's retry starts again at 1), {@code outcome}
     * is delivered, retry, failed or skipped, {@code httpStatus} null when no answer came or nothing was sent.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Attempt(
            int attempt,
            long sentAt,
            long recordedAt,
            String outcome,
            Integer httpStatus,
            String error) {
    }

    /** @param histories the session's notifications, at least one */
    static LogoutReceiptRepresentation of(String realm, String sessionId, List<NotificationHistory> histories) {
        Notification first = histories.stream().map(NotificationHistory::notification)
                .min(Comparator.comparingLong(Notification::createdAt)).orElseThrow();
        return new LogoutReceiptRepresentation(realm, sessionId, first.userId(), first.createdAt(),
                first.reason().detail(), histories.stream().map(LogoutReceiptRepresentation::relyingParty).toList(),
                List.of());
    }

    private static RelyingParty relyingParty(NotificationHistory history) {
        Notification row = history.notification();
        return new RelyingParty(row.id(), row.clientId(), row.logoutUrl(), row.reason().detail(), row.jti(),
                lower(row.status().name()), row.createdAt(), row.deliveredAt(),
                history.attempts().stream().map(LogoutReceiptRepresentation::attempt).toList());
    }

    private static Attempt attempt(LogoutAttempt tried) {
        return new Attempt(tried.number(), tried.sentAt(), tried.recordedAt(), lower(tried.outcome().name()),
                tried.httpStatus(), tried.error());
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
