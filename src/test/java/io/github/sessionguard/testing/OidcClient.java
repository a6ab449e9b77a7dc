package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** One OAuth client of a realm talking to Keycloak's OIDC endpoints, as a mobile app or web backend would. */
public final class OidcClient {

    private final KeycloakServer server;
    private final String realm;
    private final String clientId;
    private final String clientSecret;
    private final Http http = new Http();

    public OidcClient(KeycloakServer server, String realm, String clientId, String clientSecret) {
        this.server = server;
        this.realm = realm;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    public static OidcClient publicClient(KeycloakServer server, String realm, String clientId) {
        return new OidcClient(server, realm, clientId, null);
    }

    public String clientId() {
        return clientId;
    }

    public String endpoint(String name) {
        return server.realmUrl(realm) + "/protocol/openid-connect/" + name;
    }

    public HttpResult passwordGrant(String username, String password, String scope) {
        Map<String, String> form = credentials();
        form.put("grant_type", "password");
        form.put("username", username);
        form.put("password", password);
        if (scope != null) {
            form.put("scope", scope);
        }
        return http.postForm(endpoint("token"), form, null);
    }

    /** A password grant that must succeed; the token response. */
    public JsonNode login(String username, String password) {
        HttpResult result = passwordGrant(username, password, null);
        if (result.status() != 200) {
            throw new AssertionError("Login of " + username + " to " + clientId + " failed: " + result);
        }
        return result.json();
    }

    public HttpResult refresh(String refreshToken) {
        Map<String, String> form = credentials();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return http.postForm(endpoint("token"), form, null);
    }

    /** A refresh with extra request headers (for the test-only provider that delays or fails requests). */
    public HttpResult refresh(String refreshToken, Map<String, String> headers) {
        Map<String, String> form = credentials();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return http.postFormWithHeaders(endpoint("token"), form, headers);
    }

    public HttpResult exchangeCode(String code, String redirectUri) {
        Map<String, String> form = credentials();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        return http.postForm(endpoint("token"), form, null);
    }

    public HttpResult clientCredentials() {
        Map<String, String> form = credentials();
        form.put("grant_type", "client_credentials");
        return http.postForm(endpoint("token"), form, null);
    }

    /** RFC 8628 device authorization request: the device code and the user code to confirm in a browser. */
    public HttpResult deviceAuthorization(String scope) {
        Map<String, String> form = credentials();
        if (scope != null) {
            form.put("scope", scope);
        }
        return http.postForm(endpoint("auth/device"), form, null);
    }

    public HttpResult deviceToken(String deviceCode) {
        Map<String, String> form = credentials();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        form.put("device_code", deviceCode);
        return http.postForm(endpoint("token"), form, null);
    }

    /** RFC 8693 standard token exchange of a token this client holds, for the token type asked. */
    public HttpResult exchangeToken(String subjectToken, String requestedTokenType, String scope) {
        Map<String, String> form = credentials();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", "urn:ietf:params:oauth:token-type:access_token");
        form.put("requested_token_type", requestedTokenType);
        if (scope != null) {
            form.put("scope", scope);
        }
        return http.postForm(endpoint("token"), form, null);
    }

    /** RP-initiated logout by POST with the refresh token, as a backend or a mobile app signs out. */
    public HttpResult logout(String refreshToken) {
        Map<String, String> form = credentials();
        form.put("refresh_token", refreshToken);
        return http.postForm(endpoint("logout"), form, null);
    }

    /** RFC 7009 revocation of a token this client holds. */
    public HttpResult revoke(String token, String tokenTypeHint) {
        Map<String, String> form = credentials();
        form.put("token", token);
        if (tokenTypeHint != null) {
            form.put("token_type_hint", tokenTypeHint);
        }
        return http.postForm(endpoint("revoke"), form, null);
    }

    /** RFC 7662 introspection; this client must be confidential. */
    public JsonNode introspect(String token) {
        Map<String, String> form = credentials();
        form.put("token", token);
        HttpResult result = http.postForm(endpoint("token/introspect"), form, null);
        if (result.status() != 200) {
            throw new AssertionError("Introspection failed: " + result);
        }
        return result.json();
    }

    public String authorizationUrl(String redirectUri, String scope, Map<String, String> extra) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("redirect_uri", redirectUri);
        query.put("scope", scope == null ? "openid" : scope);
        query.put("state", "state-" + System.nanoTime());
        query.putAll(extra);
        return endpoint("auth") + "?" + Http.formBody(query);
    }

    private Map<String, String> credentials() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        return form;
    }
}
