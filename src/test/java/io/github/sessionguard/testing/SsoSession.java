package io.github.sessionguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** One user session in which several clients took part, made as a user would: one login, then SSO for the rest. */
public final class SsoSession {

    private final BrowserSession browser = new BrowserSession();
    private final Map<String, JsonNode> tokens = new LinkedHashMap<>();

    public static SsoSession loginTo(OidcClient... clients) {
        return loginAs(RealmFixture.USER, RealmFixture.PASSWORD, clients);
    }

    public static SsoSession loginAs(String username, String password, OidcClient... clients) {
        SsoSession sso = new SsoSession(username, password);
        for (OidcClient client : clients) {
            sso.alsoLogIn(client, "openid");
        }
        return sso;
    }

    private final String username;
    private final String password;

    private SsoSession(String username, String password) {
        this.username = username;
        this.password = password;
    }

    /** One more client joins the session through SSO (the login form only if the session has none yet). */
    public SsoSession alsoLogIn(OidcClient client, String scope) {
        String code = browser.loginForCode(client.authorizationUrl(RealmFixture.REDIRECT_URI, scope, Map.of()),
                username, password);
        HttpResult result = client.exchangeCode(code, RealmFixture.REDIRECT_URI);
        if (result.status() != 200) {
            throw new AssertionError("Code exchange for " + client.clientId() + " failed: " + result);
        }
        tokens.put(client.clientId(), result.json());
        return this;
    }

    public BrowserSession browser() {
        return browser;
    }

    public JsonNode tokens(String clientId) {
        return tokens.get(clientId);
    }

    public String idToken(String clientId) {
        return tokens.get(clientId).get("id_token").asText();
    }

    public String refreshToken(String clientId) {
        return tokens.get(clientId).get("refresh_token").asText();
    }

    /** The user session's id, as the tokens' {@code sid} claim names it. */
    public String sessionId() {
        return Jwt.claims(tokens.values().iterator().next().get("access_token").asText()).get("sid").asText();
    }

    public String userId() {
        return Jwt.claims(tokens.values().iterator().next().get("access_token").asText()).get("sub").asText();
    }
}
