package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keycloak's own expiry of a user session (here its SSO Session Max of 30 s) reaches the session's relying parties,
 * though Keycloak names no client when it drops a session: Session Guard's participant record does.
 */
@KeycloakIntegrationTest
class KeycloakExpiryIT {

    private static final String REALM = "keycloak-expiry";
    private static final long SSO_MAX = 30;

    private AdminApi admin;
    private LogoutReceiver receiver;
    private OidcClient plain;

    @BeforeAll
    void createRealm(KeycloakServer server, AdminApi admin) {
        this.admin = admin;
        receiver = new LogoutReceiver(server, REALM);
        RealmFixture realm = new RealmFixture(REALM).set("ssoSessionMaxLifespan", SSO_MAX);
        withBackchannelLogout(realm.publicClient("plain"), receiver);
        realm.create(admin);
        plain = OidcClient.publicClient(server, REALM, "plain");
    }

    @AfterAll
    void deleteRealm() {
        receiver.close();
        admin.deleteRealm(REALM);
    }

    @Test
    void aSessionKeycloakExpiresIsToldToItsParticipants() {
        String accessToken = plain.login(USER, PASSWORD).get("access_token").asText();
        String sessionId = Jwt.claims(accessToken).get("sid").asText();
        long loggedInAt = System.currentTimeMillis();

        Delivery delivery = Deadline.await(Duration.ofSeconds(SSO_MAX + 90), "a logout token after expiry",
                () -> receiver.deliveriesTo("plain").stream().filter(d -> sessionId.equals(d.sid()))
                        .findFirst().orElse(null), d -> d != null);

        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        assertThat(delivery.sub()).isEqualTo(Jwt.claims(accessToken).get("sub").asText());
        assertThat(delivery.receivedAtMillis() - loggedInAt).isGreaterThanOrEqualTo(SSO_MAX * 1000);
        assertThat(admin.userSessions(REALM, USER)).isEmpty();
    }
}
