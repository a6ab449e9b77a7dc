package io.github.sessionguard.logout.participants;

/**
 * That a client took part in a user session, as the participants table hands it out: who to tell once the session
 * dies, and when the participation is next worth a look. Its tier deadlines are not here: the scan reads the tier in
 * force when it looks ({@link TierDeadlines#inForce}). Times are epoch seconds.
 */
public record Participant(
        String id,
        String realmId,
        String userSessionId,
        boolean offline,
        String clientUuid,
        String userId,
        String issuer,
        long lastSeen,
        long checkAt,
        int scanFailures) {

    static Participant of(SessionParticipantEntity row) {
        return new Participant(row.getId(), row.getRealmId(), row.getUserSessionId(), row.isOffline(),
                row.getClientUuid(), row.getUserId(), row.getIssuer(), row.getLastSeen(), row.getCheckAt(), row.getScanFailures());
    }
}
