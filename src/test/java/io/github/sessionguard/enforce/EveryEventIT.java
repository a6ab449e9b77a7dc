package io.github.sessionguard.enforce;

import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RunsBesideOtherClasses;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TemporaryRealm;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * EveryGrantIT's twin for the events that are no grant: an RFC 7009 revocation and an admin update of the client. One
 * realm per condition: client {@code one} is in tier high through that condition; client {@code two} through it and,
 * through a second tier, in medium as well. Under every condition, revoking a refresh token of either ends the whole
 * SSO session and the session's other client, {@code web}, is told; an admin update that would give either HS256
 * access tokens or the password grant, or the same through dynamic client registration, is refused naming the tier
 * and stores nothing, while a harmless update of the same client is stored. The {@code client-scopes} realm assigns
 * the tiers as the README teaches: the tier scopes made by {@code POST .../session-guard/tiers}, added as Default
 * client scopes.
 */
@KeycloakIntegrationTest
@RunsBesideOtherClasses
class EveryEventIT {

    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String SECRET = "secret";
    private static final String ACCESS_TOKEN_ALGORITHM = "access.token.signed.response.alg";

    /**
     * Each condition selects clients one and two (any-client and grant-type select web as well); the client-scopes
     * realm is given the tier scopes instead of a policy of its own.
     */
    private static final Map<String, String> CONDITIONS = ConditionsSelectingOneAndTwo.with(Map.of(
            "client-scopes", "tier scopes",
            "grant-type", "{\"grant_types\": [\"authorization_code\", \"refresh_token\", \"password\"]}"));

    private KeycloakServer server;
    private AdminApi admin;
    private final Map<String, TemporaryRealm> realms = new HashMap<>();

    @BeforeAll
    void createRealms(KeycloakServer server, AdminApi admin) {
        this.server = server;
        this.admin = admin;
        CONDITIONS.forEach(this::createRealm);
    }

    @AfterAll
    void deleteRealms() {
        realms.values().forEach(TemporaryRealm::close);
    }

    @TestFactory
    Stream<DynamicNode> revocationAndAdminUpdateUnderEveryCondition() {
        return CONDITIONS.keySet().stream().sorted().map(condition -> DynamicContainer.dynamicContainer(condition,
                Stream.of("one", "two").map(clientId -> DynamicContainer.dynamicContainer(
                        clientId.equals("one") ? "one tier" : "two tiers", Stream.of(
                                DynamicTest.dynamicTest("revocation ends the whole session",
                                        () -> revocationEndsTheSession(condition, clientId)),
                                DynamicTest.dynamicTest("an update to HS256 access tokens is refused",
                                        () -> weakSignatureRefused(condition, clientId)),
                                DynamicTest.dynamicTest("an update that switches on the password grant is refused",
                                        () -> passwordGrantRefused(condition, clientId)),
                                DynamicTest.dynamicTest("the same through client registration is refused",
                                        () -> registrationUpdateRefused(condition, clientId)),
                                DynamicTest.dynamicTest("a harmless update is stored",
                                        () -> harmlessUpdateStored(condition, clientId)))))));
    }

    private void revocationEndsTheSession(String condition, String clientId) {
        String realm = realmOf(condition);
        OidcClient client = new OidcClient(server, realm, clientId, SECRET);
        SsoSession sso = SsoSession.loginTo(client, OidcClient.publicClient(server, realm, "web"));

        HttpResult revoked = client.revoke(sso.refreshToken(clientId), "refresh_token");

        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        LogoutReceiver receiver = realms.get(condition).receiver();
        Delivery delivery = Deadline.await(DELIVERY, "a logout token for web", () -> receiver.deliveriesTo("web")
                .stream().filter(d -> sso.sessionId().equals(d.sid())).findFirst().orElse(null), d -> d != null);
        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        assertThat(admin.userSessions(realm, USER).findValuesAsText("id")).as("the SSO session")
                .doesNotContain(sso.sessionId());
    }

    private void weakSignatureRefused(String condition, String clientId) {
        ObjectNode representation = clientRepresentation(condition, clientId);
        ((ObjectNode) representation.withObject("attributes")).put(ACCESS_TOKEN_ALGORITHM, "HS256");

        HttpResult refused = admin.put(clientPath(condition, clientId), representation);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body()).contains(ACCESS_TOKEN_ALGORITHM, "HS256", "session tier 'high'");
        assertThat(clientRepresentation(condition, clientId).path("attributes").path(ACCESS_TOKEN_ALGORITHM).asText())
                .as("stored access token algorithm").isNotEqualTo("HS256");
    }

    private void passwordGrantRefused(String condition, String clientId) {
        ObjectNode representation = clientRepresentation(condition, clientId).put("directAccessGrantsEnabled", true);

        HttpResult refused = admin.put(clientPath(condition, clientId), representation);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body()).contains("directAccessGrantsEnabled", "refuse-legacy-grants",
                "session tier 'high'");
        assertThat(clientRepresentation(condition, clientId).get("directAccessGrantsEnabled").asBoolean())
                .as("stored password grant switch").isFalse();
    }

    /** RFC 7592's client configuration endpoint, with a registration access token the admin issued. */
    private void registrationUpdateRefused(String condition, String clientId) {
        HttpResult issued = admin.post(clientPath(condition, clientId) + "/registration-access-token", Json.object());
        assertThat(issued.status()).as(issued.toString()).isEqualTo(200);
        ObjectNode representation = clientRepresentation(condition, clientId).put("directAccessGrantsEnabled", true);
        // Left out, the client's scopes stay as they are; sent, registration's own policy would judge the tier scope.
        representation.remove(List.of("defaultClientScopes", "optionalClientScopes"));

        HttpResult refused = new Http().putJson(server.realmUrl(realmOf(condition))
                + "/clients-registrations/default/" + clientId, representation,
                issued.json().get("registrationAccessToken").asText());

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_client_metadata");
        assertThat(refused.json().get("error_description").asText()).contains("directAccessGrantsEnabled",
                "session tier 'high'");
        assertThat(clientRepresentation(condition, clientId).get("directAccessGrantsEnabled").asBoolean())
                .as("stored password grant switch").isFalse();
    }

    private void harmlessUpdateStored(String condition, String clientId) {
        String description = "edited " + System.nanoTime();
        ObjectNode representation = clientRepresentation(condition, clientId).put("description", description);

        HttpResult updated = admin.put(clientPath(condition, clientId), representation);

        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
        assertThat(clientRepresentation(condition, clientId).get("description").asText()).isEqualTo(description);
    }

    private void createRealm(String condition, String configuration) {
        realms.put(condition, TemporaryRealm.create(server, admin, realmOf(condition), (fixture, receiver) -> {
            for (String clientId : List.of("one", "two")) {
                fixture.confidentialClient(clientId, SECRET).put("directAccessGrantsEnabled", false)
                        .putObject("attributes").put(ConditionsSelectingOneAndTwo.ATTRIBUTE, "yes");
            }
            withBackchannelLogout(fixture.publicClient("web").put("directAccessGrantsEnabled", false), receiver);
            ConditionsSelectingOneAndTwo.giveRoles(fixture);
            if (condition.equals("client-scopes")) {
                // The README's way: the scopes made by POST .../session-guard/tiers, added as Default client scopes.
                fixture.tierScope("one", "session-tier-high")
                        .tierScope("two", "session-tier-high")
                        .tierScope("two", "session-tier-medium");
            } else {
                fixture.tierProfile("high", Map.of("tier", "high"))
                        .tierProfile("medium", Map.of("tier", "medium"))
                        .policy("high-by-condition", "high", condition, Json.parse(configuration))
                        .policyForClients("medium-for-two", "medium", "two");
            }
        }));
    }

    private ObjectNode clientRepresentation(String condition, String clientId) {
        return (ObjectNode) admin.getJson("/admin/realms/" + realmOf(condition) + "/clients?clientId=" + clientId)
                .get(0);
    }

    private String clientPath(String condition, String clientId) {
        return "/admin/realms/" + realmOf(condition) + "/clients/"
                + clientRepresentation(condition, clientId).get("id").asText();
    }

    private static String realmOf(String condition) {
        return "events-" + condition;
    }
}
