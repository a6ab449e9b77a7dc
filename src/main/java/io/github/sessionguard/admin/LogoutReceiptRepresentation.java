package io.github.sessionguard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.sessionguard.logout.outbox.LogoutAttempt;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.NotificationHistory;
import io.github.sessionguard.signals.SignalReceipts.SignalReceipt;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A session's logout receipt, {@code GET .../session-guard/sessions/{sessionId}/receipt}: when and why the session
 * died, and for each relying party that was to be told its notification, every try with its outcome, and when the
 * relying party acknowledged it. Times are epoch millis of Keycloak's clock.
 *
 * <p>The death is the earliest notification's: its {@code createdAt} and its reason (where no relying party was to be
 * told, the earliest security event token's). Where one client's part of the session ended before the rest (a tier
 * deadline, a reuse without revocation), that client's notification has its own time and reason.
 *
 * @param ssfReceivers the Shared Signals receivers that were to be told (where the realm has Keycloak's SSF
 *                     transmitter on): each security event token about the session, as Keycloak's SSF outbox holds it
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LogoutReceiptRepresentation(
        String realm,
        String sessionId,
        String userId,
        long diedAt,
        String reason,
        List<RelyingParty> relyingParties,
        List<SsfReceiver> ssfReceivers) {

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

    /**
     * One security event token to one receiver: {@code status} is pending, delivered (pushed and accepted, or
     * acknowledged by the receiver's poll; then {@code deliveredAt} is when), dead_letter or held (its stream paused).
     * Keycloak's outbox counts the tries ({@code attempts}) and keeps the last one's error; it keeps no time per try.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SsfReceiver(
            String clientId,
            String delivery,
            String event,
            String jti,
            String initiatingEntity,
            String reason,
            String status,
            int attempts,
            long createdAt,
            Long deliveredAt,
            Long nextAttemptAt,
            String lastError) {
    }

    /** @param histories the session's notifications; with {@code signals}, at least one of either */
    static LogoutReceiptRepresentation of(String realm, String sessionId, List<NotificationHistory> histories,
            List<SignalReceipt> signals) {
        List<SsfReceiver> receivers = signals.stream().map(LogoutReceiptRepresentation::ssfReceiver).toList();
        Notification first = histories.stream().map(NotificationHistory::notification)
                .min(Comparator.comparingLong(Notification::createdAt)).orElse(null);
        if (first == null) {
            SignalReceipt firstSignal = signals.get(0);
            return new LogoutReceiptRepresentation(realm, sessionId, firstSignal.userId(), firstSignal.createdAt(),
                    firstSignal.reasonAdmin(), List.of(), receivers);
        }
        return new LogoutReceiptRepresentation(realm, sessionId, first.userId(), first.createdAt(),
                first.reason().detail(), histories.stream().map(LogoutReceiptRepresentation::relyingParty).toList(),
                receivers);
    }

    private static SsfReceiver ssfReceiver(SignalReceipt signal) {
        return new SsfReceiver(signal.receiverClientId(), signal.delivery(), signal.event(), signal.jti(),
                signal.initiatingEntity(), signal.reasonAdmin(), signal.status(), signal.attempts(),
                signal.createdAt(), signal.deliveredAt(), signal.nextAttemptAt(), signal.lastError());
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
