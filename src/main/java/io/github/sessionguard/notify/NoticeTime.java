package io.github.sessionguard.notify;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

/** When a session ended, written for the user's locale. In UTC, and saying so: Keycloak doesn't know the user's zone. */
final class NoticeTime {

    private NoticeTime() {
    }

    static String format(Instant instant, Locale locale) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale).withZone(ZoneOffset.UTC)
                .format(instant) + " UTC";
    }
}
