package io.github.sessionguard.logout.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * One recorded try of a notification: written in the transaction, and only by the fenced update, that records the
 * notification's outcome (ADR 24). Its foreign key deletes it with its notification, whichever purge removes that.
 */
@Entity
@Table(name = "SG_LOGOUT_ATTEMPT")
@NamedQueries({
        // Tries are inserted in JDBC batches with their outcomes (OutboxStore.recordAll).
        @NamedQuery(name = "sgAttemptsOfNotifications", query = "select a from LogoutAttemptEntity a"
                + " where a.realmId = :realmId and a.notificationId in :ids"
                + " order by a.sentAt, a.recordedAt, a.number")
})
public class LogoutAttemptEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "NOTIFICATION_ID", length = 36, nullable = false)
    private String notificationId;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "ATTEMPT", nullable = false)
    private int number;

    @Column(name = "SENT_AT", nullable = false)
    private long sentAt;

    @Column(name = "RECORDED_AT", nullable = false)
    private long recordedAt;

    @Column(name = "OUTCOME", length = 16, nullable = false)
    private String outcome;

    @Column(name = "HTTP_STATUS")
    private Integer httpStatus;

    @Column(name = "ERROR_TEXT", length = 1024)
    private String error;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getNotificationId() { return notificationId; }
    public void setNotificationId(String notificationId) { this.notificationId = notificationId; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public int getNumber() { return number; }
    public void setNumber(int number) { this.number = number; }
    public long getSentAt() { return sentAt; }
    public void setSentAt(long sentAt) { this.sentAt = sentAt; }
    public long getRecordedAt() { return recordedAt; }
    public void setRecordedAt(long recordedAt) { this.recordedAt = recordedAt; }
    public String getOutcome() { return outcome; }
    public void setOutcome(String outcome) { this.outcome = outcome; }
    public Integer getHttpStatus() { return httpStatus; }
    public void setHttpStatus(Integer httpStatus) { this.httpStatus = httpStatus; }
    public String getError() { return error; }
    public void setError(String error) { this.error = error; }
}
