package io.github.sessionguard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.sessionguard.logout.LogoutNotificationEntity;

/** One logout notification as operators see it in {@code GET .../session-guard/deliveries}. Times are epoch millis. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeliveryRepresentation(
        String id,
        String status,
        String clientId,
        String userSessionId,
        String userId,
        String reason,
        String jti,
        int attempts,
        String lastError,
        long createdAt,
        Long nextAttemptAt,
        Long deliveredAt) {

    static DeliveryRepresentation of(LogoutNotificationEntity row) {
        boolean pending = "PENDING".equals(row.getStatus());
        return new DeliveryRepresentation(row.getId(), row.getStatus().toLowerCase(java.util.Locale.ROOT),
                row.getClientId(), row.getUserSessionId(), row.getUserId(), row.getReason(), row.getJti(),
                row.getAttempts(), row.getLastError(), row.getCreatedAt(), pending ? row.getNextAttemptAt() : null,
                row.getDeliveredAt());
    }
}
