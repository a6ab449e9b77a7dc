package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the realm a test class works in, as the JSON an administrator would import: clients, a user, and the
 * client profiles and policies that put clients in tiers. {@link #create(AdminApi)} imports it through the admin API
 * and adds the tier scopes asked for. A test class gets its realm made and deleted by {@link TestRealm}.
 */
public final class RealmFixture {

    public static final String USER = "alice";
    public static final String PASSWORD = "alice-password";
    public static final String REDIRECT_URI = "http://127.0.0.1/callback";

    private final ObjectNode realm = Json.object();
    private final ArrayNode clients = realm.putArray("clients");
    private final ArrayNode profiles = realm.putObject("clientProfiles").putArray("profiles");
    private final ArrayNode policies = realm.putObject("clientPolicies").putArray("policies");
    /** Client and tier scope pairs, added once the realm exists: the set-up call makes the scopes in it. */
    private final List<String[]> tierScopes = new ArrayList<>();

    public RealmFixture(String name) {
        realm.put("realm", name).put("enabled", true).put("eventsEnabled", true);
        ArrayNode storedEvents = realm.putArray("enabledEventTypes");
        for (String type : new String[] {"LOGIN", "LOGIN_ERROR", "LOGOUT", "LOGOUT_ERROR", "REFRESH_TOKEN",
                "REFRESH_TOKEN_ERROR", "CODE_TO_TOKEN", "REVOKE_GRANT", "USER_SESSION_DELETED"}) {
            storedEvents.add(type);
        }
        ObjectNode user = realm.putArray("users").addObject()
                .put("username", USER).put("enabled", true).put("email", USER + "@example.org")
                .put("emailVerified", true).put("firstName", "Alice").put("lastName", "Example");
        user.putArray("realmRoles").add("default-roles-" + name);
        user.putArray("credentials").addObject().put("type", "password").put("value", PASSWORD)
                .put("temporary", false);
    }

    /** A user of the realm (password {@link #PASSWORD}) with exactly these realm-management roles. */
    public RealmFixture limitedAdmin(String username, String... realmManagementRoles) {
        user(username, PASSWORD);
        ArrayNode users = (ArrayNode) realm.get("users");
        ArrayNode granted = ((ObjectNode) users.get(users.size() - 1)).putObject("clientRoles")
                .putArray("realm-management");
        for (String role : realmManagementRoles) {
            granted.add(role);
        }
        return this;
    }

    /** One more user of the realm, with a password. */
    public RealmFixture user(String username, String password) {
        ObjectNode user = ((ArrayNode) realm.get("users")).addObject()
                .put("username", username).put("enabled", true).put("email", username + "@example.org")
                .put("emailVerified", true).put("firstName", username).put("lastName", "Example");
        user.putArray("realmRoles").add("default-roles-" + name());
        user.putArray("credentials").addObject().put("type", "password").put("value", password)
                .put("temporary", false);
        return this;
    }

    public String name() {
        return realm.get("realm").asText();
    }

    public ObjectNode json() {
        return realm;
    }

    /** A public client, as a mobile app is: authorization code and, for short tests, the password grant. */
    public ObjectNode publicClient(String clientId) {
        return client(clientId).put("publicClient", true);
    }

    /** A resource server that introspects the other clients' tokens (Keycloak checks its audience otherwise). */
    public ObjectNode introspectingClient(String clientId, String secret) {
        ObjectNode client = confidentialClient(clientId, secret);
        client.putObject("attributes").put("allow.token.introspection.without.audience.check", "true");
        return client;
    }

    /** A confidential client with the given secret, as a web backend or a resource server is. */
    public ObjectNode confidentialClient(String clientId, String secret) {
        return client(clientId).put("publicClient", false).put("secret", secret);
    }

    private ObjectNode client(String clientId) {
        ObjectNode client = clients.addObject().put("clientId", clientId).put("enabled", true)
                .put("protocol", "openid-connect").put("standardFlowEnabled", true)
                .put("directAccessGrantsEnabled", true).put("frontchannelLogout", false);
        client.putArray("redirectUris").add(REDIRECT_URI);
        return client;
    }

    /** Points the client's back-channel logout at a receiver, as a relying party registers it. */
    public static ObjectNode withBackchannelLogout(ObjectNode client, LogoutReceiver receiver) {
        ObjectNode attributes = client.has("attributes") ? (ObjectNode) client.get("attributes")
                : client.putObject("attributes");
        attributes.put("backchannel.logout.url", receiver.urlFor(client.get("clientId").asText()))
                .put("backchannel.logout.session.required", "true");
        return client;
    }

    /** A client profile with one {@code session-tier} executor configured as given. */
    public RealmFixture tierProfile(String profile, Map<String, ?> configuration) {
        ObjectNode executor = profiles.addObject().put("name", profile).putArray("executors").addObject()
                .put("executor", "session-tier");
        executor.set("configuration", Json.MAPPER.valueToTree(configuration));
        return this;
    }

    /** An enabled policy that applies the profile to the clients named, through the {@code client-id} condition. */
    public RealmFixture policyForClients(String policy, String profile, String... clientIds) {
        ObjectNode node = policies.addObject().put("name", policy).put("enabled", true);
        ObjectNode condition = node.putArray("conditions").addObject().put("condition", "client-id");
        ArrayNode ids = condition.putObject("configuration").putArray("clients");
        for (String clientId : clientIds) {
            ids.add(clientId);
        }
        node.putArray("profiles").add(profile);
        return this;
    }

    /** An enabled policy with any condition, for tests of Keycloak's own conditions. */
    public RealmFixture policy(String policy, String profile, String condition, JsonNode configuration) {
        ObjectNode node = policies.addObject().put("name", policy).put("enabled", true);
        node.putArray("conditions").addObject().put("condition", condition).set("configuration", configuration);
        node.putArray("profiles").add(profile);
        return this;
    }

    /**
     * Puts the client in a tier the README's way, once the realm is created: the tier scope as a Default client scope
     * of the client ({@link AdminApi#addTierScope}).
     */
    public RealmFixture tierScope(String clientId, String tierScope) {
        tierScopes.add(new String[] {clientId, tierScope});
        return this;
    }

    public RealmFixture set(String key, Object value) {
        realm.set(key, Json.MAPPER.valueToTree(value));
        return this;
    }

    public RealmFixture create(AdminApi admin) {
        admin.deleteRealm(name());
        admin.createRealm(realm);
        for (String[] clientAndScope : tierScopes) {
            admin.addTierScope(name(), clientAndScope[0], clientAndScope[1]);
        }
        return this;
    }
}
