package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Problem 2: the poisoned row. A tier client's participation outlives its back-channel logout URL (an admin
 * cleared it after the login); when its tier deadline comes, the scan must neither fail on it nor stop telling
 * anyone else, in any realm.
 */
@KeycloakIntegrationTest
class ExpiryScanIT {

    private final KeycloakServer server;
    private final AdminApi admin;

    ExpiryScanIT(KeycloakServer server, AdminApi admin) {
        this.server = server;
        this.admin = admin;
    }

    @Test
    void aParticipationWhoseClientLostItsUrlNeitherFailsTheScanNorHoldsUpAnotherRealm() {
        try (LogoutReceiver poisoned = new LogoutReceiver(server, "scan-poisoned");
                LogoutReceiver other = new LogoutReceiver(server, "scan-other")) {
            RealmFixture poisonedRealm = new RealmFixture("scan-poisoned");
            withBackchannelLogout(poisonedRealm.publicClient("cleared"), poisoned);
            // The client logs in with the password grant, which the preset refuses in high (refuse-legacy-grants);
            // the scan this test is about doesn't depend on how the session began.
            poisonedRealm.tierProfile("short-idle", Map.of("tier", "high", "idle-timeout", 20,
                    "access-token-lifespan", 10, "refuse-legacy-grants", false)).policyForClients("idle-policy", "short-idle", "cleared");
            poisonedRealm.create(admin);
            RealmFixture otherRealm = new RealmFixture("scan-other").set("ssoSessionMaxLifespan", 40);
            withBackchannelLogout(otherRealm.publicClient("plain"), other);
            otherRealm.create(admin);
            try {
                OidcClient.publicClient(server, "scan-poisoned", "cleared").login(USER, PASSWORD);
                JsonNode client = admin.getJson("/admin/realms/scan-poisoned/clients?clientId=cleared").get(0);
                ObjectNode changed = client.deepCopy();
                ((ObjectNode) changed.get("attributes")).put("backchannel.logout.url", "");
                assertThat(admin.put("/admin/realms/scan-poisoned/clients/" + client.get("id").asText(), changed)
                        .status()).isEqualTo(204);
                String otherSession = Jwt.claims(OidcClient.publicClient(server, "scan-other", "plain")
                        .login(USER, PASSWORD).get("access_token").asText()).get("sid").asText();

                Delivery told = Deadline.await(Duration.ofSeconds(100), "the other realm's expiry to be told",
                        () -> other.deliveriesTo("plain").stream().filter(d -> otherSession.equals(d.sid()))
                                .findFirst().orElse(null), d -> d != null);

                assertThat(told.valid()).as(told.error()).isTrue();
                assertThat(poisoned.deliveries()).isEmpty();
            } finally {
                admin.deleteRealm("scan-poisoned");
                admin.deleteRealm("scan-other");
            }
        }
    }
}
