package io.github.sessionguard.admin;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Session Guard's admin REST API as limited administrators meet it: what each permission shows (Keycloak's own
 * rules: whose session it was needs view-users, which clients are in a tier needs view-clients), and a malformed
 * query parameter answered with a 400 that names it.
 */
@KeycloakIntegrationTest
class AdminAccessIT {

    private static final String REALM = "admin-access";
    private static final String DELIVERIES = "/admin/realms/" + REALM + "/session-guard/deliveries";

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        withBackchannelLogout(fixture.publicClient("app"), receiver);
        fixture.limitedAdmin("realm-viewer", "view-realm");
        fixture.limitedAdmin("user-viewer", "view-realm", "view-users");
        fixture.limitedAdmin("client-viewer", "view-realm", "view-clients");
        fixture.tierScope("app", "session-tier-low");
    });

    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final Http http = new Http();

    @BeforeAll
    void leaveADeadLetter() {
        // One logout notification that failed for good (a 400 is never retried): it names a user, a session and the
        // relying party's answer.
        receiver.behave("app", attempt -> new LogoutReceiver.Reply(400, 0, "no such session of user alice", 0));
        realm.client("app").login(USER, PASSWORD);
        assertThat(admin.post("/admin/realms/" + REALM + "/logout-all", null).status()).isEqualTo(200);
        Deadline.await(Duration.ofSeconds(60), "a dead letter",
                () -> admin.getJson(DELIVERIES + "?status=failed").size() == 1);
    }

    @Test
    void deliveriesShowWhoseSessionEndedOnlyToAnAdminWhoMayViewUsers() {
        JsonNode full = onlyRow(get("user-viewer", DELIVERIES + "?status=failed"));
        assertThat(full.get("userId").asText()).isEqualTo(admin.userId(REALM, USER));
        assertThat(full.get("userSessionId").asText()).isNotBlank();
        assertThat(full.get("lastError").asText()).isNotBlank();

        for (String viewer : List.of("realm-viewer", "client-viewer")) {
            JsonNode row = onlyRow(get(viewer, DELIVERIES + "?status=failed"));
            assertThat(row.get("userId").isNull()).as(viewer + ": " + row).isTrue();
            assertThat(row.get("userSessionId").isNull()).as(viewer + ": " + row).isTrue();
            assertThat(row.get("lastError").isNull()).as(viewer + ": " + row).isTrue();
            assertThat(row.get("clientId").asText()).isEqualTo("app");
            assertThat(row.get("status").asText()).isEqualTo("failed");
            assertThat(row.get("attempts").asInt()).isEqualTo(full.get("attempts").asInt()).isPositive();
            assertThat(row.get("createdAt").asLong()).isEqualTo(full.get("createdAt").asLong());
        }
    }

    @Test
    void theTierListingNamesTheClientsOnlyToAnAdminWhoMayViewClients() {
        String tiers = "/admin/realms/" + REALM + "/session-guard/tiers";

        assertThat(clientsOfTierLow(get("client-viewer", tiers))).containsExactly("app");
        assertThat(clientsOfTierLow(get("realm-viewer", tiers))).isEmpty();
        assertThat(clientsOfTierLow(get("user-viewer", tiers))).isEmpty();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"first, abc", "first, 99999999999", "first, -1", "first, 1.5", "max, abc", "max, 99999999999",
            "max, 0", "max, 1001", "status, bogus"})
    void aMalformedQueryParameterIsA400NamingIt(String parameter, String value) {
        HttpResult result = admin.get(DELIVERIES + "?" + parameter + "=" + value);

        assertThat(result.status()).as(result.toString()).isEqualTo(400);
        assertThat(result.body()).contains("'" + parameter + "'").contains(value);
    }

    @Test
    void wellFormedPagingIsAnswered() {
        assertThat(admin.get(DELIVERIES + "?status=failed&first=0&max=1000").status()).isEqualTo(200);
        assertThat(admin.getJson(DELIVERIES + "?status=failed&first=1")).isEmpty();
    }

    private HttpResult get(String username, String path) {
        HttpResult result = http.get(admin.url(path), admin.tokenFor(REALM, "admin-cli", username, PASSWORD));
        assertThat(result.status()).as(username + ": " + result).isEqualTo(200);
        return result;
    }

    private static JsonNode onlyRow(HttpResult result) {
        assertThat(result.json()).as(result.toString()).hasSize(1);
        return result.json().get(0);
    }

    private static List<String> clientsOfTierLow(HttpResult result) {
        List<String> clients = new ArrayList<>();
        for (JsonNode tier : result.json()) {
            if (tier.get("tier").asText().equals("low")) {
                tier.get("clients").forEach(client -> clients.add(client.asText()));
            }
        }
        return clients;
    }
}
