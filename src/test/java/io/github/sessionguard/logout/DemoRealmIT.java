package io.github.sessionguard.logout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.OidcClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo realm as `./demo.sh` imports it (src/demo/demo-realm.json), tried as a newcomer would: the demo user signs
 * in to every demo client, among them a tier client without a back-channel logout URL, and an administrator then
 * deletes the user. That answered 500 before the funnel decided who is told.
 */
@KeycloakIntegrationTest
class DemoRealmIT {

    private static final String REALM = "demo-as-shipped";

    private AdminApi admin;

    @BeforeAll
    void importTheDemoRealm(AdminApi admin) throws IOException {
        this.admin = admin;
        ObjectNode realm = (ObjectNode) Json.parse(Files.readString(Path.of("src/demo/demo-realm.json")));
        realm.put("realm", REALM);
        admin.deleteRealm(REALM);
        admin.createRealm(realm);
    }

    @AfterAll
    void deleteRealm() {
        admin.deleteRealm(REALM);
    }

    @Test
    void theDemoUserCanBeDeletedAfterSigningInToEveryDemoClient(KeycloakServer server) {
        for (JsonNode client : admin.getJson("/admin/realms/" + REALM + "/clients")) {
            String clientId = client.get("clientId").asText();
            if (clientId.equals("mobile-app") || clientId.equals("reporting")) {
                signIn(OidcClient.publicClient(server, REALM, clientId));
            } else if (clientId.equals("web-portal")) {
                signIn(new OidcClient(server, REALM, clientId, "web-portal-secret"));
            }
        }
        assertThat(admin.userSessions(REALM, "demo")).isNotEmpty();

        HttpResult deleted = admin.delete("/admin/realms/" + REALM + "/users/" + admin.userId(REALM, "demo"));

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(admin.getJson("/admin/realms/" + REALM + "/users?username=demo&exact=true")).isEmpty();
    }

    private static void signIn(OidcClient client) {
        HttpResult tokens = client.passwordGrant("demo", "demo", "openid");
        assertThat(tokens.status()).as(client.clientId() + ": " + tokens).isEqualTo(200);
    }
}
