package io.github.sessionguard.logout.participants;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * Session Guard's own record that a client took part in a user session and is told when it ends. Keycloak
 * deletes expired sessions in bulk and names no clients when it does; this record lets the expiry scan tell each of
 * them. {@code CHECK_AT} is the earliest moment anything about the participation may have expired, so a scan reads
 * only the rows that are due, whatever the number of live sessions.
 */
@Entity
@Table(name = "SG_SESSION_PARTICIPANT")
@NamedQueries({
        @NamedQuery(name = "sgDueParticipants", query = "select p.id, p.checkAt from SessionParticipantEntity p"
                + " where p.checkAt <= :now order by p.checkAt"),
        // The scan's claim of one due row: of two nodes, the one whose update matches the old CHECK_AT owns it.
        @NamedQuery(name = "sgClaimParticipant", query = "update SessionParticipantEntity p set p.checkAt = :until"
                + " where p.id = :id and p.checkAt = :checkAt"),
        @NamedQuery(name = "sgRescheduleParticipant", query = "update SessionParticipantEntity p"
                + " set p.lastSeen = :lastSeen, p.tierIdleSeconds = :tierIdle, p.tierMaxDeadline = :tierMaxDeadline,"
                + " p.checkAt = :checkAt, p.scanFailures = 0 where p.id = :id"),
        @NamedQuery(name = "sgParticipantScanFailed", query = "update SessionParticipantEntity p"
                + " set p.checkAt = :checkAt, p.scanFailures = p.scanFailures + 1 where p.id = :id"),
        @NamedQuery(name = "sgParticipantsOfRealm", query = "select p from SessionParticipantEntity p"
                + " where p.realmId = :realmId and p.offline = :offline and p.id > :after order by p.id"),
        // Keycloak's persisted sessions (OFFLINE_USER_SESSION, flag '0' online, '1' offline), as the calling
        // transaction sees them.
        @NamedQuery(name = "sgParticipantsOfRealmWithoutSession", query = "select p"
                + " from SessionParticipantEntity p where p.realmId = :realmId and p.offline = :offline"
                + " and p.id > :after and not exists (select s.userSessionId from PersistentUserSessionEntity s"
                + " where s.userSessionId = p.userSessionId and s.offline = :sessionType) order by p.id"),
        @NamedQuery(name = "sgDeleteParticipant", query = "delete from SessionParticipantEntity p"
                + " where p.id = :id"),
        @NamedQuery(name = "sgDeleteParticipants", query = "delete from SessionParticipantEntity p"
                + " where p.id in :ids"),
        @NamedQuery(name = "sgDeleteSessionParticipants", query = "delete from SessionParticipantEntity p"
                + " where p.userSessionId = :userSessionId and p.offline = :offline"),
        @NamedQuery(name = "sgCountSessionParticipants", query = "select count(p) from SessionParticipantEntity p"
                + " where p.userSessionId = :userSessionId and p.offline = :offline"),
        @NamedQuery(name = "sgPurgeParticipantsOfRealm", query = "delete from SessionParticipantEntity p"
                + " where p.realmId = :realmId"),
        @NamedQuery(name = "sgPullForwardRealm", query = "update SessionParticipantEntity p set p.checkAt = :now"
                + " where p.realmId = :realmId and p.checkAt > :now"),
        @NamedQuery(name = "sgPullForwardClient", query = "update SessionParticipantEntity p set p.checkAt = :now"
                + " where p.clientUuid = :clientUuid and p.checkAt > :now"),
        @NamedQuery(name = "sgPurgeParticipantsOfClient", query = "delete from SessionParticipantEntity p"
                + " where p.clientUuid = :clientUuid"),
        @NamedQuery(name = "sgParticipantsOfUserInClient", query = "select p from SessionParticipantEntity p"
                + " where p.realmId = :realmId and p.userId = :userId and p.clientUuid = :clientUuid"
                + " and p.offline = :offline"),
        @NamedQuery(name = "sgPurgeParticipantsOfUser", query = "delete from SessionParticipantEntity p"
                + " where p.realmId = :realmId and p.userId = :userId")
})
public class SessionParticipantEntity {

    @Id
    @Column(name = "ID")
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_SESSION_ID", nullable = false)
    private String userSessionId;

    @Column(name = "OFFLINE", nullable = false)
    private boolean offline;

    @Column(name = "CLIENT_ID", length = 36, nullable = false)
    private String clientUuid;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    @Column(name = "ISSUER", length = 2048, nullable = false)
    private String issuer;

    /** With TIER_MAX_DEADLINE: the tier deadlines CHECK_AT was computed from; the scan decides by the tier in force. */
    @Column(name = "TIER_IDLE")
    private Long tierIdleSeconds;

    @Column(name = "TIER_MAX_DEADLINE")
    private Long tierMaxDeadline;

    @Column(name = "LAST_SEEN", nullable = false)
    private long lastSeen;

    @Column(name = "CHECK_AT", nullable = false)
    private long checkAt;

    @Column(name = "SCAN_FAILURES", nullable = false)
    private int scanFailures;

    public static String idOf(String userSessionId, String clientUuid, boolean offline) {
        return userSessionId + (offline ? ":offline:" : ":") + clientUuid;
    }

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getUserSessionId() { return userSessionId; }
    public void setUserSessionId(String userSessionId) { this.userSessionId = userSessionId; }
    public boolean isOffline() { return offline; }
    public void setOffline(boolean offline) { this.offline = offline; }
    public String getClientUuid() { return clientUuid; }
    public void setClientUuid(String clientUuid) { this.clientUuid = clientUuid; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getIssuer() { return issuer; }
    public void setIssuer(String issuer) { this.issuer = issuer; }
    public Long getTierIdleSeconds() { return tierIdleSeconds; }
    public void setTierIdleSeconds(Long tierIdleSeconds) { this.tierIdleSeconds = tierIdleSeconds; }
    public Long getTierMaxDeadline() { return tierMaxDeadline; }
    public void setTierMaxDeadline(Long tierMaxDeadline) { this.tierMaxDeadline = tierMaxDeadline; }
    public long getLastSeen() { return lastSeen; }
    public void setLastSeen(long lastSeen) { this.lastSeen = lastSeen; }
    public long getCheckAt() { return checkAt; }
    public void setCheckAt(long checkAt) { this.checkAt = checkAt; }
    public int getScanFailures() { return scanFailures; }
    public void setScanFailures(int scanFailures) { this.scanFailures = scanFailures; }
}
