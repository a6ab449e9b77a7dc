package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResourceOwnerPasswordCredentialsGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceCode;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One OAuth client of a realm talking to Keycloak's OIDC endpoints, as a mobile app or web backend would, through
 * the Nimbus OAuth SDK. Its code flow sends PKCE S256, as a real mobile app does (RFC 9700 2.1.1);
 * {@link #authorizationUrlWithoutPkce} is the request of an app that doesn't. Every request is sent and its answer
 * read raw, whatever the status: tests look at Keycloak's exact refusals.
 */
public final class OidcClient {

    private final KeycloakServer server;
    private final String realm;
    private final ClientID clientId;
    /**
     * The secret in the form (client_secret_post), as this harness always sent it; Keycloak takes it there or in a
     * Basic header. Null for a public client, which sends only its client_id.
     */
    private final ClientSecretPost authentication;
    /** One verifier per client object: tests share a client across threads, and any fresh code may use it. */
    private final CodeVerifier codeVerifier = new CodeVerifier();

    public OidcClient(KeycloakServer server, String realm, String clientId, String clientSecret) {
        this.server = server;
        this.realm = realm;
        this.clientId = new ClientID(clientId);
        this.authentication = clientSecret == null ? null
                : new ClientSecretPost(this.clientId, new Secret(clientSecret));
    }

    public static OidcClient publicClient(KeycloakServer server, String realm, String clientId) {
        return new OidcClient(server, realm, clientId, null);
    }

    public String clientId() {
        return clientId.getValue();
    }

    public String endpoint(String name) {
        return server.realmUrl(realm) + "/protocol/openid-connect/" + name;
    }

    public HttpResult passwordGrant(String username, String password, String scope) {
        return send(tokenRequest(new ResourceOwnerPasswordCredentialsGrant(username, new Secret(password)))
                .scope(Scope.parse(scope)));
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
        return refresh(refreshToken, Map.of());
    }

    /** A refresh that asks for a scope, as an app does whose tier depends on the scope it requests. */
    public HttpResult refresh(String refreshToken, String scope) {
        return send(tokenRequest(new RefreshTokenGrant(new RefreshToken(refreshToken))).scope(Scope.parse(scope)));
    }

    /** A refresh with extra request headers (for the test-only provider that delays or fails requests). */
    public HttpResult refresh(String refreshToken, Map<String, String> headers) {
        return send(tokenRequest(new RefreshTokenGrant(new RefreshToken(refreshToken))).build().toHTTPRequest(),
                headers);
    }

    public HttpResult exchangeCode(String code, String redirectUri) {
        return exchangeCode(code, redirectUri, Map.of());
    }

    /** The exchange of a code whose authorization request carried no PKCE challenge. */
    public HttpResult exchangeCodeWithoutPkce(String code, String redirectUri) {
        return send(tokenRequest(new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(redirectUri))));
    }

    /** The code exchange with extra request headers (a DPoP proof, for example). */
    public HttpResult exchangeCode(String code, String redirectUri, Map<String, String> headers) {
        return send(tokenRequest(new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(redirectUri),
                codeVerifier)).build().toHTTPRequest(), headers);
    }

    public HttpResult clientCredentials() {
        return send(tokenRequest(new ClientCredentialsGrant()));
    }

    /** RFC 8628 device authorization request: the device code and the user code to confirm in a browser. */
    public HttpResult deviceAuthorization(String scope) {
        DeviceAuthorizationRequest.Builder request = authentication == null
                ? new DeviceAuthorizationRequest.Builder(clientId)
                : new DeviceAuthorizationRequest.Builder(authentication);
        return send(request.endpointURI(uri("auth/device")).scope(Scope.parse(scope)).build().toHTTPRequest(),
                Map.of());
    }

    public HttpResult deviceToken(String deviceCode) {
        return send(tokenRequest(new DeviceCodeGrant(new DeviceCode(deviceCode))));
    }

    /** RFC 8693 standard token exchange of a token this client holds, for the token type asked. */
    public HttpResult exchangeToken(String subjectToken, String requestedTokenType, String scope) {
        TokenTypeURI requested;
        try {
            requested = TokenTypeURI.parse(requestedTokenType);
        } catch (ParseException e) {
            throw new IllegalArgumentException(e);
        }
        return send(tokenRequest(new TokenExchangeGrant(new BearerAccessToken(subjectToken), TokenTypeURI.ACCESS_TOKEN,
                null, null, requested, null)).scope(Scope.parse(scope)));
    }

    /**
     * RP-initiated logout by POST with the refresh token, as a backend or a mobile app signs out. This is Keycloak's
     * own form of it (the standard one is a browser redirect with an ID token), so the SDK has no request for it: the
     * form is posted as its token requests are, with the same client authentication.
     */
    public HttpResult logout(String refreshToken) {
        HTTPRequest request = new HTTPRequest(HTTPRequest.Method.POST, uri("logout"));
        request.setEntityContentType(ContentType.APPLICATION_URLENCODED);
        Map<String, List<String>> form = new LinkedHashMap<>(authentication == null
                ? Map.of("client_id", List.of(clientId.getValue())) : authentication.toParameters());
        form.put("refresh_token", List.of(refreshToken));
        request.setBody(URLUtils.serializeParameters(form));
        return send(request, Map.of());
    }

    /** RFC 7009 revocation of a token this client holds. */
    public HttpResult revoke(String token, String tokenTypeHint) {
        Token revoked = tokenTypeHint == null ? new TypelessToken(token) : switch (tokenTypeHint) {
            case "refresh_token" -> new RefreshToken(token);
            case "access_token" -> new BearerAccessToken(token);
            default -> throw new IllegalArgumentException("A token type hint the SDK doesn't send: " + tokenTypeHint);
        };
        TokenRevocationRequest request = authentication == null
                ? new TokenRevocationRequest(uri("revoke"), clientId, revoked)
                : new TokenRevocationRequest(uri("revoke"), authentication, revoked);
        return send(request.toHTTPRequest(), Map.of());
    }

    /** RFC 7662 introspection; this client must be confidential. */
    public JsonNode introspect(String token) {
        HttpResult result = send(new TokenIntrospectionRequest(uri("token/introspect"), authentication,
                new TypelessToken(token)).toHTTPRequest(), Map.of());
        if (result.status() != 200) {
            throw new AssertionError("Introspection failed: " + result);
        }
        return result.json();
    }

    /** An authorization request with PKCE S256; {@code extra} parameters may override any of it. */
    public String authorizationUrl(String redirectUri, String scope, Map<String, String> extra) {
        return authorizationUrl(authorizationRequest(redirectUri, scope).codeChallenge(codeVerifier,
                CodeChallengeMethod.S256), extra);
    }

    /** An authorization request as an app without PKCE sends it. */
    public String authorizationUrlWithoutPkce(String redirectUri, String scope, Map<String, String> extra) {
        return authorizationUrl(authorizationRequest(redirectUri, scope), extra);
    }

    private AuthorizationRequest.Builder authorizationRequest(String redirectUri, String scope) {
        return new AuthorizationRequest.Builder(ResponseType.CODE, clientId).endpointURI(uri("auth"))
                .redirectionURI(URI.create(redirectUri)).scope(Scope.parse(scope == null ? "openid" : scope))
                .state(new State());
    }

    /**
     * The request's URL with the extra parameters put over its own: the SDK lets custom parameters add to a request
     * but not replace its standard ones, and tests replace them (another response type, a plain PKCE challenge).
     */
    private static String authorizationUrl(AuthorizationRequest.Builder builder, Map<String, String> extra) {
        AuthorizationRequest request = builder.build();
        Map<String, List<String>> parameters = request.toParameters();
        extra.forEach((name, value) -> parameters.put(name, List.of(value)));
        return request.getEndpointURI() + "?" + URLUtils.serializeParameters(parameters);
    }

    private TokenRequest.Builder tokenRequest(AuthorizationGrant grant) {
        return authentication == null
                ? new TokenRequest.Builder(uri("token"), clientId, grant)
                : new TokenRequest.Builder(uri("token"), authentication, grant);
    }

    private URI uri(String endpointName) {
        return URI.create(endpoint(endpointName));
    }

    private static HttpResult send(TokenRequest.Builder request) {
        return send(request.build().toHTTPRequest(), Map.of());
    }

    /**
     * Sends the request and reads the answer whatever its status, never following a redirect: the SDK's response
     * parsers would turn a refusal into an exception, and tests want its status and body.
     */
    private static HttpResult send(HTTPRequest request, Map<String, String> headers) {
        // Without it HttpURLConnection, which the SDK sends with, asks for text/html too, and Keycloak shows such a
        // client an HTML page where an app gets JSON (an unexpected error, for one).
        request.setAccept("application/json");
        headers.forEach((name, value) -> request.setHeader(name, value));
        request.setFollowRedirects(false);
        request.setConnectTimeout(5_000);
        request.setReadTimeout(120_000);
        try {
            HTTPResponse response = request.send();
            return new HttpResult(response.getStatusCode(), Objects.requireNonNullElse(response.getBody(), ""),
                    HttpHeaders.of(response.getHeaderMap(), (name, value) -> true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
