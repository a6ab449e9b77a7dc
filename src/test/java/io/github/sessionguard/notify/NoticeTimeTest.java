package io.github.sessionguard.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Tests that {@link NoticeTime} writes the time of a death in the user's language, in UTC, and says so. */
class NoticeTimeTest {

    private static final Instant ENDED = Instant.parse("2026-12-04T17:05:09Z");

    @Test
    void englishInUtc() {
        assertThat(NoticeTime.format(ENDED, Locale.ENGLISH)).contains("Dec 4, 2026").contains("5:05:09")
                .endsWith(" UTC");
    }

    @Test
    void germanInUtc() {
        assertThat(NoticeTime.format(ENDED, Locale.GERMAN)).contains("04.12.2026").contains("17:05:09")
                .endsWith(" UTC");
    }
}
