package io.github.sessionguard.admin;

import io.github.sessionguard.admin.LogoutReceiptRepresentation.Attempt;
import io.github.sessionguard.admin.LogoutReceiptRepresentation.RelyingParty;
import io.github.sessionguard.admin.LogoutReceiptRepresentation.SsfReceiver;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A logout receipt as CSV (RFC 4180): a header row, then one line per try, and one for a notification not tried yet;
 * then one line per security event token to a Shared Signals receiver (channel {@code ssf_push} or {@code ssf_poll},
 * {@code attempt} the tries so far, {@code outcome} its status, {@code reason} the SET's words). Each line repeats the
 * session and the notification, so that it stands alone in a spreadsheet. Times are ISO 8601 in UTC, to the
 * millisecond.
 */
final class ReceiptCsv {

    static final String MEDIA_TYPE = "text/csv";

    static final List<String> COLUMNS = List.of("session_id", "user_id", "died_at", "death_reason", "channel",
            "client_id", "notification_id", "jti", "reason", "status", "created_at", "delivered_at", "url", "attempt",
            "sent_at", "recorded_at", "outcome", "http_status", "error", "event");

    /** The channel of a relying party's notification; a Shared Signals receiver's is {@code ssf_} and its delivery. */
    static final String BACKCHANNEL_LOGOUT = "backchannel_logout";
    /** The event of a relying party's logout token, in the {@code event} column beside a SET's. */
    static final String BACKCHANNEL_LOGOUT_EVENT = "backchannel-logout";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String LINE_END = "\r\n";

    private ReceiptCsv() {
    }

    static String render(LogoutReceiptRepresentation receipt) {
        StringBuilder csv = new StringBuilder();
        line(csv, COLUMNS);
        for (RelyingParty party : receipt.relyingParties()) {
            List<String> notification = List.of(receipt.sessionId(), text(receipt.userId()), time(receipt.diedAt()),
                    receipt.reason(), BACKCHANNEL_LOGOUT, party.clientId(), party.notificationId(), party.jti(),
                    party.reason(), party.status(), time(party.createdAt()), time(party.deliveredAt()),
                    text(party.url()));
            if (party.attempts().isEmpty()) {
                line(csv, concat(notification, List.of("", "", "", "", "", "", BACKCHANNEL_LOGOUT_EVENT)));
            }
            for (Attempt attempt : party.attempts()) {
                line(csv, concat(notification, List.of(String.valueOf(attempt.attempt()), time(attempt.sentAt()),
                        time(attempt.recordedAt()), attempt.outcome(), text(attempt.httpStatus()),
                        text(attempt.error()), BACKCHANNEL_LOGOUT_EVENT)));
            }
        }
        for (SsfReceiver receiver : receipt.ssfReceivers()) {
            line(csv, List.of(receipt.sessionId(), text(receipt.userId()), time(receipt.diedAt()), text(receipt.reason()),
                    "ssf_" + receiver.delivery(), text(receiver.clientId()), "", receiver.jti(), text(receiver.reason()),
                    receiver.status(), time(receiver.createdAt()), time(receiver.deliveredAt()), "",
                    String.valueOf(receiver.attempts()), "", "", receiver.status(), "", text(receiver.lastError()),
                    receiver.event()));
        }
        return csv.toString();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static void line(StringBuilder csv, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(field(fields.get(i)));
        }
        csv.append(LINE_END);
    }

    /**
     * RFC 4180: a field with a comma, a double quote, CR or LF is quoted, its quotes doubled. A field that a
     * spreadsheet would take for a formula (it starts with {@code = + - @}, a tab or CR; a relying party's answer
     * might) gets a leading {@code '} first, as OWASP advises against CSV injection.
     */
    static String field(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n')) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }

    private static String time(Long epochMillis) {
        return epochMillis == null ? "" : TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    private static String text(Object value) {
        return Objects.toString(value, "");
    }
}
