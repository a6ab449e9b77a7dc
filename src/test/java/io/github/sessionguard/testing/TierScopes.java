package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Puts a client in a tier the way the README recommends: the realm gets the tier scopes from Session Guard's set-up
 * call, and the client gets {@code session-tier-<tier>} as a Default client scope.
 */
public final class TierScopes {

    private final AdminApi admin;
    private final String realm;

    public TierScopes(AdminApi admin, String realm) {
        this.admin = admin;
        this.realm = realm;
    }

    /** Session Guard's set-up call: creates whatever tier scopes, profiles and policies the realm lacks. */
    public TierScopes setUp() {
        expect(admin.post(path("/session-guard/tiers"), Json.object()), 200);
        return this;
    }

    public TierScopes addDefault(String clientId, String tier) {
        expect(admin.put(path("/clients/" + clientUuid(clientId) + "/default-client-scopes/"
                + scope("session-tier-" + tier).get("id").asText()), Json.object()), 204);
        return this;
    }

    public String clientUuid(String clientId) {
        return admin.getJson(path("/clients?clientId=" + clientId)).get(0).get("id").asText();
    }

    public JsonNode scope(String name) {
        for (JsonNode scope : admin.getJson(path("/client-scopes"))) {
            if (scope.get("name").asText().equals(name)) {
                return scope;
            }
        }
        throw new AssertionError("No client scope " + name + " in realm " + realm);
    }

    private String path(String path) {
        return "/admin/realms/" + realm + path;
    }

    private static void expect(HttpResult result, int status) {
        if (result.status() != status) {
            throw new AssertionError("Expected " + status + ": " + result);
        }
    }
}
