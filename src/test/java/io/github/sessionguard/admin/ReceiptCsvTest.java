package io.github.sessionguard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.AttemptOutcome;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.outbox.LogoutAttempt;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.NotificationHistory;
import io.github.sessionguard.logout.outbox.NotificationStatus;
import io.github.sessionguard.signals.SignalReceipts.SignalReceipt;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session's logout receipt as JSON values and as CSV (RFC 4180), from the outbox's notifications and tries. */
class ReceiptCsvTest {

    private static final long DIED = Instant.parse("2026-12-07T10:15:30.120Z").toEpochMilli();

    @Test
    void theDeathIsTheEarliestNotificationsTimeAndReason() {
        LogoutReceiptRepresentation receipt = LogoutReceiptRepresentation.of("demo", "s-1", List.of(
                new NotificationHistory(notification("n-2", "web", DeathReason.LOGOUT, DIED + 5_000, null), List.of()),
                new NotificationHistory(notification("n-1", "mobile", DeathReason.TIER_IDLE_TIMEOUT, DIED, null),
                        List.of())), List.of());

        assertThat(receipt.diedAt()).isEqualTo(DIED);
        assertThat(receipt.reason()).isEqualTo("tier_idle_timeout");
        assertThat(receipt.userId()).isEqualTo("u-1");
        assertThat(receipt.relyingParties()).extracting(LogoutReceiptRepresentation.RelyingParty::reason)
                .containsExactly("logout", "tier_idle_timeout");
        assertThat(receipt.ssfReceivers()).isEmpty();
    }

    @Test
    void oneLinePerTryAndOneForANotificationNotTriedYet() {
        LogoutReceiptRepresentation receipt = LogoutReceiptRepresentation.of("demo", "s-1", List.of(
                new NotificationHistory(notification("n-1", "flaky", DeathReason.LOGOUT, DIED, DIED + 2_000), List.of(
                        new LogoutAttempt(1, DIED + 10, DIED + 20, AttemptOutcome.RETRY, 503, "HTTP 503: busy, later"),
                        new LogoutAttempt(2, DIED + 1_500, DIED + 2_000, AttemptOutcome.DELIVERED, 200, null))),
                new NotificationHistory(notification("n-2", "slow", DeathReason.LOGOUT, DIED, null), List.of())),
                List.of(signal("caep", "session-revoked", "delivered", DIED + 900L)));

        String csv = ReceiptCsv.render(receipt);

        assertThat(csv.split("\r\n", -1)).containsExactly(
                String.join(",", ReceiptCsv.COLUMNS),
                "s-1,u-1,2026-12-07T10:15:30.120Z,logout,backchannel_logout,flaky,n-1,jti-n-1,logout,delivered,"
                        + "2026-12-07T10:15:30.120Z,2026-12-07T10:15:32.120Z,https://rp.example/flaky,1,"
                        + "2026-12-07T10:15:30.130Z,2026-12-07T10:15:30.140Z,retry,503,\"HTTP 503: busy, later\","
                        + "backchannel-logout",
                "s-1,u-1,2026-12-07T10:15:30.120Z,logout,backchannel_logout,flaky,n-1,jti-n-1,logout,delivered,"
                        + "2026-12-07T10:15:30.120Z,2026-12-07T10:15:32.120Z,https://rp.example/flaky,2,"
                        + "2026-12-07T10:15:31.620Z,2026-12-07T10:15:32.120Z,delivered,200,,backchannel-logout",
                "s-1,u-1,2026-12-07T10:15:30.120Z,logout,backchannel_logout,slow,n-2,jti-n-2,logout,pending,"
                        + "2026-12-07T10:15:30.120Z,,https://rp.example/slow,,,,,,,backchannel-logout",
                "s-1,u-1,2026-12-07T10:15:30.120Z,logout,ssf_push,caep,,s-1.jti-caep,logout,delivered,"
                        + "2026-12-07T10:15:30.220Z,2026-12-07T10:15:31.020Z,,1,,,delivered,,,session-revoked",
                "");
    }

    /** A session whose clients have no back-channel logout URL, told to a Shared Signals receiver only. */
    @Test
    void withoutARelyingPartyTheDeathIsTheEarliestSecurityEventsTimeAndReason() {
        LogoutReceiptRepresentation receipt = LogoutReceiptRepresentation.of("demo", "s-1", List.of(),
                List.of(signal("caep", "session-revoked", "pending", null), signal("risc", "account-disabled",
                        "pending", null)));

        assertThat(receipt.diedAt()).isEqualTo(DIED + 100);
        assertThat(receipt.reason()).isEqualTo("logout");
        assertThat(receipt.userId()).isEqualTo("u-1");
        assertThat(receipt.relyingParties()).isEmpty();
        assertThat(receipt.ssfReceivers()).extracting(LogoutReceiptRepresentation.SsfReceiver::clientId,
                LogoutReceiptRepresentation.SsfReceiver::event).containsExactly(
                org.assertj.core.groups.Tuple.tuple("caep", "session-revoked"),
                org.assertj.core.groups.Tuple.tuple("risc", "account-disabled"));
    }

    private static SignalReceipt signal(String receiver, String event, String status, Long deliveredAt) {
        return new SignalReceipt(receiver, "push", event, "s-1.jti-" + receiver, status, deliveredAt == null ? 0 : 1,
                DIED + 100, deliveredAt, deliveredAt == null ? DIED + 5_000L : null, null, "u-1", "admin", "logout");
    }

    @Test
    void fieldsAreQuotedAsRfc4180Says() {
        assertThat(ReceiptCsv.field("plain text")).isEqualTo("plain text");
        assertThat(ReceiptCsv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(ReceiptCsv.field("say \"no\"")).isEqualTo("\"say \"\"no\"\"\"");
        assertThat(ReceiptCsv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(ReceiptCsv.field("cr\rhere")).isEqualTo("\"cr\rhere\"");
        assertThat(ReceiptCsv.field("")).isEmpty();
    }

    @Test
    void aFieldASpreadsheetWouldRunAsAFormulaIsDefused() {
        assertThat(ReceiptCsv.field("=HYPERLINK(\"http://evil\")")).isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\")\"");
        assertThat(ReceiptCsv.field("+1")).isEqualTo("'+1");
        assertThat(ReceiptCsv.field("-1")).isEqualTo("'-1");
        assertThat(ReceiptCsv.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(ReceiptCsv.field("\tx")).isEqualTo("'\tx");
        assertThat(ReceiptCsv.field("HTTP 500: =1+1")).isEqualTo("HTTP 500: =1+1");
    }

    private static Notification notification(String id, String clientId, DeathReason reason, long createdAt,
            Long deliveredAt) {
        return new Notification(id, "realm-id", "uuid-" + clientId, clientId, "u-1", "s-1", "https://idp.example",
                "https://rp.example/" + clientId, true, false, reason, "jti-" + id,
                deliveredAt == null ? NotificationStatus.PENDING : NotificationStatus.DELIVERED,
                deliveredAt == null ? 0 : 2, createdAt, createdAt, createdAt, null, null, deliveredAt);
    }
}
