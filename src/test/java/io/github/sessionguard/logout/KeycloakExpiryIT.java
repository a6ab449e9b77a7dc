package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.KeycloakServer.SCAN_AND_DELIVERY;
import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.MovesTheSharedClock;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keycloak's own expiry of a user session (here its SSO Session Max of 10 h, or an offline session's 30 days,
 * reached by moving the server's clock) reaches the session's relying parties,
 * though Keycloak names no client when it drops a session: Session Guard's participant record does.
 */
@KeycloakIntegrationTest
@MovesTheSharedClock
class KeycloakExpiryIT {

    private static final String REALM = "keycloak-expiry";
    /** Realistic maxima, reached by moving the server's clock rather than by waiting. */
    private static final Duration SSO_MAX = Duration.ofHours(10);
    private static final String OFFLINE_REALM = "keycloak-offline-expiry";
    private static final Duration OFFLINE_MAX = Duration.ofDays(30);

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        fixture.set("ssoSessionMaxLifespan", SSO_MAX.toSeconds()).set("ssoSessionIdleTimeout", SSO_MAX.toSeconds());
        withBackchannelLogout(fixture.publicClient("plain"), receiver);
    });
    @RegisterExtension
    static final TestRealm offlineRealm = TestRealm.of(OFFLINE_REALM, (fixture, receiver) -> {
        fixture.set("offlineSessionMaxLifespanEnabled", true)
                .set("offlineSessionMaxLifespan", OFFLINE_MAX.toSeconds())
                .set("offlineSessionIdleTimeout", OFFLINE_MAX.toSeconds());
        withBackchannelLogout(fixture.publicClient("offline-app"), receiver);
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final OidcClient plain = realm.client("plain");
    private final LogoutReceiver offlineReceiver = offlineRealm.receiver();
    private final OidcClient offlineApp = offlineRealm.client("offline-app");

    @Test
    void aSessionKeycloakExpiresIsToldToItsParticipants() {
        JsonNode tokens = plain.login(USER, PASSWORD);
        String accessToken = tokens.get("access_token").asText();
        String sessionId = Jwt.claims(accessToken).get("sid").asText();

        Delivery delivery = toldOnlyOnceTheMaximumRanOut(SSO_MAX,
                () -> receiver.deliveriesTo("plain").stream().filter(d -> sessionId.equals(d.sid())).toList());

        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        assertThat(delivery.sub()).isEqualTo(Jwt.claims(accessToken).get("sub").asText());
        assertThat(plain.refresh(tokens.get("refresh_token").asText()).status()).as("a refresh past the maximum")
                .isEqualTo(400);
    }

    /** Problem 8: an offline session's participation is recorded at login, so its expiry is told too. */
    @Test
    void anOfflineSessionKeycloakExpiresIsToldToo() {
        HttpResult login = offlineApp.passwordGrant(USER, PASSWORD, "openid offline_access");
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        String sessionId = Jwt.claims(login.json().get("access_token").asText()).get("sid").asText();
        assertThat(Jwt.claims(login.json().get("refresh_token").asText()).get("typ").asText()).isEqualTo("Offline");

        Delivery delivery = toldOnlyOnceTheMaximumRanOut(OFFLINE_MAX, () -> offlineReceiver
                .deliveriesTo("offline-app").stream().filter(d -> sessionId.equals(d.sid())).toList());

        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        assertThat(offlineApp.refresh(login.json().get("refresh_token").asText()).status())
                .as("the offline token's refresh past the maximum").isEqualTo(400);
    }

    /**
     * Moves the server's clock to a minute before the maximum: a scan passes and nothing is told; then a second past
     * it: the logout token comes within a scan. Keycloak stamps a session's start in whole seconds (rounded down), so
     * a second past the maximum is past it whatever the login's millisecond.
     */
    private Delivery toldOnlyOnceTheMaximumRanOut(Duration maximum, Supplier<List<Delivery>> told) {
        server.setClockAhead(maximum.minusMinutes(1));
        Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000 + SCAN_AND_DELIVERY.toSeconds(),
                "a scan a minute before the maximum");
        assertThat(told.get()).as("logout tokens a minute before the maximum").isEmpty();

        server.setClockAhead(maximum.plusSeconds(1));
        return Deadline.await(SCAN_AND_DELIVERY.multipliedBy(4), "a logout token after the maximum",
                () -> told.get().stream().findFirst().orElse(null), d -> d != null);
    }
}
