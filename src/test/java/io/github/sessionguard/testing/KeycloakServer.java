package io.github.sessionguard.testing;

import io.github.sessionguard.testprovider.ClockFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A running Keycloak with the freshly built provider installed, as the integration tests see it: URLs over HTTP. */
public interface KeycloakServer extends AutoCloseable {

    /**
     * How often the test servers run the expiry scan (Session Guard's default is 15 s): a test that waits for a scan
     * waits this long. Servers started with an interval of their own (the benchmark's default) keep theirs.
     */
    Duration EXPIRY_SCAN_INTERVAL = Duration.ofSeconds(3);
    /** The server option that sets it. */
    String EXPIRY_SCAN_INTERVAL_OPTION = "--spi-session-guard-expiry-scan--default--interval-seconds";
    /** A scan and the delivery poll after it, with room for a loaded 2-core machine. */
    Duration SCAN_AND_DELIVERY = EXPIRY_SCAN_INTERVAL.plusSeconds(5);

    /** A test server's options: those given, and the tests' scan interval unless they set one. */
    static List<String> withTestDefaults(List<String> options) {
        List<String> all = new ArrayList<>(options);
        if (options.stream().noneMatch(option -> option.startsWith(EXPIRY_SCAN_INTERVAL_OPTION))) {
            all.add(EXPIRY_SCAN_INTERVAL_OPTION + "=" + EXPIRY_SCAN_INTERVAL.toSeconds());
        }
        return all;
    }

    /** Base URL of the server, without a trailing slash, for example {@code http://127.0.0.1:41234}. */
    String baseUrl();

    /** Base URL of the management interface (health, metrics). */
    String managementUrl();

    default String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    /**
     * Sets the server's clock (Keycloak's {@code Time} offset, through the test-only provider) this far ahead of the
     * real time: every expiry, deadline and schedule Keycloak and Session Guard decide by it moves with it. The
     * harness sets it back to 0 after each test class.
     */
    default void setClockAhead(Duration ahead) {
        HttpResult set = new Http().putJson(baseUrl() + ClockFactory.PATH + "/" + ahead.toSeconds(), Json.object(),
                null);
        if (set.status() != 200) {
            throw new AssertionError("Could not move the clock of " + baseUrl() + ": " + set);
        }
    }

    @Override
    void close();
}
