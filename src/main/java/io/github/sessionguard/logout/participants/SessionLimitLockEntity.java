package io.github.sessionguard.logout.participants;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * The row a grant locks while it counts a user's live sessions in a limited client: the participants it counts can't
 * be locked before they exist, so two first sign-ins at once would each count the other out. One row per user, made
 * on the user's first limited sign-in.
 */
@Entity
@Table(name = "SG_SESSION_LIMIT_LOCK")
@NamedQueries({
        @NamedQuery(name = "sgPurgeSessionLimitLocksOfRealm", query = "delete from SessionLimitLockEntity l"
                + " where l.realmId = :realmId"),
        @NamedQuery(name = "sgPurgeSessionLimitLockOfUser", query = "delete from SessionLimitLockEntity l"
                + " where l.userId = :userId")
})
public class SessionLimitLockEntity {

    @Id
    @Column(name = "USER_ID", length = 36)
    private String userId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
}
