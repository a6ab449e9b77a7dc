package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One OAuth client of a realm talking to Keycloak's OIDC endpoints, as a mobile app or web backend would. Its code
 * flow sends PKCE S256, as a real mobile app does (RFC 9700 2.1.1); {@link #authorizationUrlWithoutPkce} is the
 * request of an app that doesn't.
 */
public final class OidcClient {

    private final KeycloakServer server;
    private final String realm;
    private final String clientId;
    private final String clientSecret;
    private final Http http = new Http();
    /** One verifier per client object: tests share a client across threads, and any fresh code may use it. */
    private final String codeVerifier = newCodeVerifier();

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

    /** A refresh that asks for a scope, as an app does whose tier depends on the scope it requests. */
    public HttpResult refresh(String refreshToken, String scope) {
        Map<String, String> form = credentials();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("scope", scope);
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
        return exchangeCode(code, redirectUri, Map.of());
    }

    /** The exchange of a code whose authorization request carried no PKCE challenge. */
    public HttpResult exchangeCodeWithoutPkce(String code, String redirectUri) {
        Map<String, String> form = credentials();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        return http.postForm(endpoint("token"), form, null);
    }

    /** The code exchange with extra request headers (a DPoP proof, for example). */
    public HttpResult exchangeCode(String code, String redirectUri, Map<String, String> headers) {
        Map<String, String> form = credentials();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", codeVerifier);
        return http.postFormWithHeaders(endpoint("token"), form, headers);
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

    /** An authorization request with PKCE S256; {@code extra} parameters may override any of it. */
    public String authorizationUrl(String redirectUri, String scope, Map<String, String> extra) {
        Map<String, String> pkce = new LinkedHashMap<>();
        pkce.put("code_challenge", codeChallenge(codeVerifier));
        pkce.put("code_challenge_method", "S256");
        pkce.putAll(extra);
        return authorizationUrlWithoutPkce(redirectUri, scope, pkce);
    }

    /** An authorization request as an app without PKCE sends it. */
    public String authorizationUrlWithoutPkce(String redirectUri, String scope, Map<String, String> extra) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("redirect_uri", redirectUri);
        query.put("scope", scope == null ? "openid" : scope);
        query.put("state", "state-" + System.nanoTime());
        query.putAll(extra);
        return endpoint("auth") + "?" + Http.formBody(query);
    }

    private static String newCodeVerifier() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static String codeChallenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
