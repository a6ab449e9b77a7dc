package io.github.sessionguard.logout;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * Session Guard's own record that a client took part in a user session and has a back-channel logout URL. Keycloak
 * deletes expired sessions in bulk and names no clients when it does; this record lets the expiry scan tell each of
 * them. {@code CHECK_AT} is the earliest moment anything about the participation may have expired, so a scan reads
 * only the rows that are due, whatever the number of live sessions.
 */
@Entity
@Table(name = "SG_SESSION_PARTICIPANT")
@NamedQueries({
        @NamedQuery(name = "sgDueParticipants", query = "select p from SessionParticipantEntity p"
                + " where p.checkAt <= :now order by p.checkAt"),
        @NamedQuery(name = "sgParticipantsOfRealm", query = "select p from SessionParticipantEntity p"
                + " where p.realmId = :realmId"),
        @NamedQuery(name = "sgParticipantsOfUser", query = "select p from SessionParticipantEntity p"
                + " where p.realmId = :realmId and p.userId = :userId"),
        @NamedQuery(name = "sgDeleteParticipant", query = "delete from SessionParticipantEntity p"
                + " where p.id = :id")
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

    @Column(name = "TIER_IDLE")
    private Long tierIdleSeconds;

    @Column(name = "TIER_MAX_DEADLINE")
    private Long tierMaxDeadline;

    @Column(name = "LAST_SEEN", nullable = false)
    private long lastSeen;

    @Column(name = "CHECK_AT", nullable = false)
    private long checkAt;

    static String idOf(String userSessionId, String clientUuid, boolean offline) {
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
}
