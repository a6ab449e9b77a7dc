package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.TemporaryRealm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Problem 11: outbox rows hold user ids, session ids and relying parties' answers; they go with the realm, client or
 * user they belong to, and their recorded tries with them. The rows here are dead letters (the relying parties refuse),
 * which stay until an admin acts.
 */
@KeycloakIntegrationTest
@AlsoOnH2
class RemovedOwnersIT {

    private static final String REALM = "removed-owners";
    /** Fixed, so that the realm can be created again under the same id and its rows looked for. */
    private static final String REALM_ID = "sg-removed-owners-realm";
    private static final String BOB = "bob";

    private final KeycloakServer server;
    private final AdminApi admin;

    RemovedOwnersIT(KeycloakServer server, AdminApi admin) {
        this.server = server;
        this.admin = admin;
    }

    @Test
    void deadLettersGoWithTheirClientTheirUserAndTheirRealm() {
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, REALM, RemovedOwnersIT::describe)) {
            LogoutReceiver receiver = realm.receiver();
            receiver.behave("leaving", attempt -> new Reply(400, 0));
            receiver.behave("staying", attempt -> new Reply(400, 0));
            OidcClient.publicClient(server, REALM, "leaving").login(USER, PASSWORD);
            OidcClient.publicClient(server, REALM, "staying").login(USER, PASSWORD);
            OidcClient.publicClient(server, REALM, "staying").login(BOB, PASSWORD);
            assertThat(admin.post("/admin/realms/" + REALM + "/logout-all", null).status()).isEqualTo(200);
            Deadline.await(Duration.ofSeconds(60), "three dead letters", () -> deadLetters().size() == 3);
            assertThat(attempts()).as("one try of each").isEqualTo(3);

            assertThat(admin.delete("/admin/realms/" + REALM + "/clients/" + clientUuid("leaving")).status())
                    .isEqualTo(204);
            assertThat(deadLetters()).as("after the client's removal")
                    .extracting(row -> row.get("clientId").asText() + "/" + row.get("userId").asText())
                    .containsExactlyInAnyOrder("staying/" + admin.userId(REALM, USER),
                            "staying/" + admin.userId(REALM, BOB));
            assertThat(attempts()).as("tries after the client's removal").isEqualTo(2);

            String bobId = admin.userId(REALM, BOB);
            assertThat(admin.delete("/admin/realms/" + REALM + "/users/" + bobId).status()).isEqualTo(204);
            assertThat(deadLetters()).as("after bob's removal")
                    .extracting(row -> row.get("userId").asText())
                    .containsExactly(admin.userId(REALM, USER));
            assertThat(attempts()).as("tries after bob's removal").isEqualTo(1);

            realm.recreate();
            assertThat(deadLetters()).as("in a realm created again under the removed one's id").isEmpty();
            assertThat(attempts()).as("tries in a realm created again under the removed one's id").isZero();
        }
    }

    private static void describe(RealmFixture fixture, LogoutReceiver receiver) {
        fixture.user(BOB, PASSWORD).set("id", REALM_ID);
        withBackchannelLogout(fixture.publicClient("leaving"), receiver);
        withBackchannelLogout(fixture.publicClient("staying"), receiver);
    }

    private List<JsonNode> deadLetters() {
        JsonNode rows = admin.getJson("/admin/realms/" + REALM + "/session-guard/deliveries?status=failed");
        return new ArrayList<>(StreamSupport.stream(rows.spliterator(), false).toList());
    }

    /** The realm's recorded tries; none may outlive its notification. */
    private long attempts() {
        HttpResult probe = new Http().get(server.realmUrl(REALM) + "/session-guard-test/attempts", null);
        assertThat(probe.status()).as(probe.toString()).isEqualTo(200);
        assertThat(probe.json().get("orphans").asLong()).as("tries whose notification is gone").isZero();
        return probe.json().get("attempts").asLong();
    }

    private String clientUuid(String clientId) {
        return admin.getJson("/admin/realms/" + REALM + "/clients?clientId=" + clientId).get(0).get("id").asText();
    }
}
