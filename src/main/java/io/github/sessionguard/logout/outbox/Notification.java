package io.github.sessionguard.logout.outbox;


/**
 * One back-channel logout owed to one relying party, as the outbox hands it out: a value, never a managed entity.
 * {@code claimToken} is the claim under which the caller holds it; every outcome is recorded against that claim.
 */
public record Notification(
        String id,
        String realmId,
        String clientUuid,
        String clientId,
        String userId,
        String userSessionId,
        String issuer,
        String logoutUrl,
        boolean includeSid,
        boolean revokeOfflineTokens,
        DeathReason reason,
        String jti,
        NotificationStatus status,
        int attempts,
        long createdAt,
        long queuedAt,
        long nextAttemptAt,
        String claimToken,
        String lastError,
        Long deliveredAt) {

    static Notification of(LogoutNotificationEntity row) {
        return new Notification(row.getId(), row.getRealmId(), row.getClientUuid(), row.getClientId(), row.getUserId(),
                row.getUserSessionId(), row.getIssuer(), row.getLogoutUrl(), row.isIncludeSid(),
                row.isRevokeOfflineTokens(), DeathReason.ofDetail(row.getReason()), row.getJti(),
                NotificationStatus.valueOf(row.getStatus()), row.getAttempts(), row.getCreatedAt(), row.getQueuedAt(),
                row.getNextAttemptAt(), row.getClaimToken(), row.getLastError(), row.getDeliveredAt());
    }
}
