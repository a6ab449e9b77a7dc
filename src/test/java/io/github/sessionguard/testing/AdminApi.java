package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Keycloak's admin REST API, spoken over HTTP as the bootstrap admin of the master realm. */
public final class AdminApi {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    /** The realm whose admin the tests act as. */
    private static final String ADMIN_REALM = "master";
    /** A token is renewed this long before it expires, so that none expires on its way to the server. */
    private static final long RENEWAL_MARGIN_MILLIS = 10_000;
    /** The admin's token by server and realm, shared by every AdminApi of the run (tests run concurrently). */
    private static final Map<TokenKey, CachedToken> TOKENS = new ConcurrentHashMap<>();

    private record TokenKey(String serverUrl, String realm) {
    }

    private record CachedToken(String value, long renewAtMillis) {
        boolean fresh() {
            return System.currentTimeMillis() < renewAtMillis;
        }
    }

    private final KeycloakServer server;
    private final Http http;

    public AdminApi(KeycloakServer server) {
        this(server, new Http());
    }

    private AdminApi(KeycloakServer server, Http http) {
        this.server = server;
        this.http = http;
    }

    /** The same API with a longer wait for answers, for admin requests that are expected to work long. */
    public AdminApi patient(java.time.Duration timeout) {
        return new AdminApi(server, new Http(timeout));
    }

    public KeycloakServer server() {
        return server;
    }

    /**
     * The admin's token for this server, fetched once and used until shortly before it expires (master tokens live
     * one minute): a login per admin call made thousands of logins per run. Concurrent callers wait for one login.
     */
    public String token() {
        return TOKENS.compute(tokenKey(), (key, cached) -> cached != null && cached.fresh() ? cached : adminLogin())
                .value();
    }

    /** A call answered 401 (the token expired early: a test moved the server's clock) is made again with a new one. */
    private HttpResult authorized(Function<String, HttpResult> call) {
        String token = token();
        HttpResult result = call.apply(token);
        if (result.status() == 401) {
            // Dropped only if no other call has replaced it already.
            TOKENS.computeIfPresent(tokenKey(), (key, cached) -> cached.value().equals(token) ? null : cached);
            result = call.apply(token());
        }
        return result;
    }

    private TokenKey tokenKey() {
        return new TokenKey(server.baseUrl(), ADMIN_REALM);
    }

    private CachedToken adminLogin() {
        long now = System.currentTimeMillis();
        JsonNode tokens = login(ADMIN_REALM, "admin-cli", ADMIN_USER, ADMIN_PASSWORD);
        return new CachedToken(tokens.get("access_token").asText(),
                now + tokens.get("expires_in").asLong() * 1000 - RENEWAL_MARGIN_MILLIS);
    }

    public String tokenFor(String realm, String clientId, String username, String password) {
        return login(realm, clientId, username, password).get("access_token").asText();
    }

    private JsonNode login(String realm, String clientId, String username, String password) {
        HttpResult result = OidcClient.publicClient(server, realm, clientId).passwordGrant(username, password, null);
        if (result.status() != 200) {
            throw new AssertionError("Admin login as " + username + " failed: " + result);
        }
        return result.json();
    }

    public HttpResult get(String path) {
        return authorized(token -> http.get(url(path), token));
    }

    public HttpResult post(String path, Object body) {
        return authorized(token -> http.postJson(url(path), body, token));
    }

    /** A POST with extra request headers (the test providers' switches). */
    public HttpResult post(String path, Object body, Map<String, String> headers) {
        return authorized(token -> http.postJsonWithHeaders(url(path), body, token, headers));
    }

    public HttpResult put(String path, Object body) {
        return authorized(token -> http.putJson(url(path), body, token));
    }

    /** A PUT with extra request headers (the test providers' switches). */
    public HttpResult put(String path, Object body, Map<String, String> headers) {
        return authorized(token -> http.putJsonWithHeaders(url(path), body, token, headers));
    }

    public HttpResult delete(String path) {
        return authorized(token -> http.delete(url(path), token));
    }

    public JsonNode getJson(String path) {
        HttpResult result = get(path);
        if (result.status() != 200) {
            throw new AssertionError("GET " + path + " failed: " + result);
        }
        return result.json();
    }

    public void createRealm(JsonNode realm) {
        HttpResult result = post("/admin/realms", realm);
        if (result.status() != 201) {
            throw new AssertionError("Creating realm " + realm.path("realm").asText() + " failed: " + result);
        }
    }

    public void deleteRealm(String realm) {
        delete("/admin/realms/" + realm);
    }

    public String userId(String realm, String username) {
        return getJson("/admin/realms/" + realm + "/users?exact=true&username=" + username).get(0).get("id").asText();
    }

    /**
     * Puts the client in a tier the README's way: the tier scope (made by {@code POST .../session-guard/tiers}, which
     * this calls, harmlessly if the scopes are there) as a Default client scope of the client.
     */
    public void addTierScope(String realm, String clientId, String tierScope) {
        HttpResult setUp = post("/admin/realms/" + realm + "/session-guard/tiers", null);
        if (setUp.status() != 200) {
            throw new AssertionError("Setting up the tiers of realm " + realm + " failed: " + setUp);
        }
        String scopeId = null;
        for (JsonNode scope : getJson("/admin/realms/" + realm + "/client-scopes")) {
            if (scope.get("name").asText().equals(tierScope)) {
                scopeId = scope.get("id").asText();
            }
        }
        HttpResult added = put("/admin/realms/" + realm + "/clients/" + clientUuid(realm, clientId)
                + "/default-client-scopes/" + scopeId,
                Json.object());
        if (added.status() != 204) {
            throw new AssertionError("Adding " + tierScope + " to " + clientId + " failed: " + added);
        }
    }

    /** The client's database id, which the admin REST paths take. */
    public String clientUuid(String realm, String clientId) {
        return getJson("/admin/realms/" + realm + "/clients?clientId=" + clientId).get(0).get("id").asText();
    }

    /** The user's online sessions, as the admin console lists them. */
    public JsonNode userSessions(String realm, String username) {
        return getJson("/admin/realms/" + realm + "/users/" + userId(realm, username) + "/sessions");
    }

    /** The user's offline sessions for one client (by client_id). */
    public JsonNode offlineSessions(String realm, String username, String clientId) {
        String clientUuid = getJson("/admin/realms/" + realm + "/clients?clientId=" + clientId).get(0).get("id").asText();
        return getJson("/admin/realms/" + realm + "/users/" + userId(realm, username) + "/offline-sessions/" + clientUuid);
    }

    /** Stored user events of one type, newest first; the realm must have events enabled. */
    public JsonNode events(String realm, String type) {
        return getJson("/admin/realms/" + realm + "/events?type=" + type + "&max=100");
    }

    public String url(String path) {
        return server.baseUrl() + path;
    }
}
