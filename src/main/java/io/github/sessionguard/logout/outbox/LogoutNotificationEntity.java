package io.github.sessionguard.logout.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One back-channel logout notification owed to one relying party: written in the transaction that ends the session,
 * so that it exists exactly when the session has died, and kept until it is delivered or given up on.
 */
@Entity
@Table(name = "SG_LOGOUT_OUTBOX")
@NamedQueries({
        // Rows are added in JDBC batches, not persisted one by one: see OutboxStore#addAll for why.
        // Due rows are read and claimed in native SQL (OutboxStore#due, #claim): Hibernate translates a query with a
        // list parameter anew on every run, and a claim runs under load.
        @NamedQuery(name = "sgReleaseClaim", query = "update LogoutNotificationEntity n set n.claimToken = null,"
                + " n.claimedUntil = null where n.id in :ids and n.claimToken = :token"),
        // Outcomes are recorded in JDBC batches (OutboxStore.recordAll), each fenced by the claim it was tried under.
        @NamedQuery(name = "sgRequeueFailed", query = "update LogoutNotificationEntity n set n.status = 'PENDING',"
                + " n.attempts = 0, n.queuedAt = :now, n.nextAttemptAt = :now, n.claimToken = null,"
                + " n.claimedUntil = null where n.id = :id and n.realmId = :realmId"
                + " and (n.status = 'FAILED' or n.status = 'SKIPPED')"),
        @NamedQuery(name = "sgNotificationById", query = "select n from LogoutNotificationEntity n where n.id = :id"),
        @NamedQuery(name = "sgNotificationsOfSession", query = "select n from LogoutNotificationEntity n"
                + " where n.realmId = :realmId and n.userSessionId = :userSessionId"
                + " order by n.createdAt, n.clientId, n.id"),
        @NamedQuery(name = "sgNotificationsByStatus", query = "select n from LogoutNotificationEntity n"
                + " where n.realmId = :realmId and n.status = :status order by n.createdAt desc"),
        @NamedQuery(name = "sgCountPending", query = "select count(n) from LogoutNotificationEntity n"
                + " where n.status = 'PENDING'"),
        @NamedQuery(name = "sgPurgeFinished", query = "delete from LogoutNotificationEntity n"
                + " where n.status <> 'PENDING' and n.createdAt < :before"),
        @NamedQuery(name = "sgPurgeRealm", query = "delete from LogoutNotificationEntity n where n.realmId = :realmId"),
        @NamedQuery(name = "sgPurgeClient", query = "delete from LogoutNotificationEntity n"
                + " where n.clientUuid = :clientUuid"),
        @NamedQuery(name = "sgPurgeUser", query = "delete from LogoutNotificationEntity n"
                + " where n.realmId = :realmId and n.userId = :userId and n.status <> 'PENDING'")
})
public class LogoutNotificationEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "CLIENT_ID", length = 36, nullable = false)
    private String clientUuid;

    @Column(name = "CLIENT_CLIENT_ID", nullable = false)
    private String clientId;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    @Column(name = "USER_SESSION_ID", nullable = false)
    private String userSessionId;

    @Column(name = "ISSUER", length = 2048, nullable = false)
    private String issuer;

    @Column(name = "LOGOUT_URL", length = 2048, nullable = false)
    private String logoutUrl;

    @Column(name = "INCLUDE_SID", nullable = false)
    private boolean includeSid;

    @Column(name = "REVOKE_OFFLINE", nullable = false)
    private boolean revokeOfflineTokens;

    @Column(name = "REASON", length = 64, nullable = false)
    private String reason;

    @Column(name = "JTI", length = 64, nullable = false)
    private String jti;

    @Column(name = "STATUS", length = 16, nullable = false)
    private String status;

    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "QUEUED_AT", nullable = false)
    private long queuedAt;

    @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
    private long nextAttemptAt;

    @Column(name = "CLAIMED_UNTIL")
    private Long claimedUntil;

    @Column(name = "CLAIM_TOKEN", length = 36)
    private String claimToken;

    @Column(name = "LAST_ERROR", length = 1024)
    private String lastError;

    @Column(name = "DELIVERED_AT")
    private Long deliveredAt;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getClientUuid() { return clientUuid; }
    public void setClientUuid(String clientUuid) { this.clientUuid = clientUuid; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getUserSessionId() { return userSessionId; }
    public void setUserSessionId(String userSessionId) { this.userSessionId = userSessionId; }
    public String getIssuer() { return issuer; }
    public void setIssuer(String issuer) { this.issuer = issuer; }
    public String getLogoutUrl() { return logoutUrl; }
    public void setLogoutUrl(String logoutUrl) { this.logoutUrl = logoutUrl; }
    public boolean isIncludeSid() { return includeSid; }
    public void setIncludeSid(boolean includeSid) { this.includeSid = includeSid; }
    public boolean isRevokeOfflineTokens() { return revokeOfflineTokens; }
    public void setRevokeOfflineTokens(boolean revokeOfflineTokens) { this.revokeOfflineTokens = revokeOfflineTokens; }
    public String getReason() { return reason; }
    public void setReason(String reason) { this.reason = reason; }
    public String getJti() { return jti; }
    public void setJti(String jti) { this.jti = jti; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public int getAttempts() { return attempts; }
    public void setAttempts(int attempts) { this.attempts = attempts; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public long getQueuedAt() { return queuedAt; }
    public void setQueuedAt(long queuedAt) { this.queuedAt = queuedAt; }
    public long getNextAttemptAt() { return nextAttemptAt; }
    public void setNextAttemptAt(long nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; }
    public Long getClaimedUntil() { return claimedUntil; }
    public void setClaimedUntil(Long claimedUntil) { this.claimedUntil = claimedUntil; }
    public String getClaimToken() { return claimToken; }
    public void setClaimToken(String claimToken) { this.claimToken = claimToken; }
    public String getLastError() { return lastError; }
    public void setLastError(String lastError) { this.lastError = lastError; }
    public Long getDeliveredAt() { return deliveredAt; }
    public void setDeliveredAt(Long deliveredAt) { this.deliveredAt = deliveredAt; }
}
