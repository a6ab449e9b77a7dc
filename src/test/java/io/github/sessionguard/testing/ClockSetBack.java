package io.github.sessionguard.testing;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Sets the shared server's clock back after each test of a class that moves it ({@link MovesTheSharedClock}), so
 * that every test starts on the unmoved clock, whichever ran before it and however it ended.
 */
public final class ClockSetBack implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) {
        KeycloakServerExtension.server(context).setClockAhead(Duration.ZERO);
    }
}
