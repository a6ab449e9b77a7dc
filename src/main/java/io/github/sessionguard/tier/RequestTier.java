package io.github.sessionguard.tier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.keycloak.OAuth2Constants;
import org.keycloak.http.HttpRequest;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The effective tier of a client for the request being served: resolved once per request and client, from every
 * policy that selects the client whatever its condition, plus any {@code session-tier} executor Keycloak ran for it
 * in this request (a condition that only a live event can decide). Every step of the request that needs the tier
 * (the token caps, rotation, re-authentication, the participant record) asks here, so they all enforce one tier.
 */
public final class RequestTier {

    private static final String RESOLVED = "session-guard.request-tier.resolved";
    private static final String OBSERVED = "session-guard.request-tier.observed";
    /**
     * Keycloak's RFC 7009 endpoint. A revocation ends a session only for a refresh token, so its request is asked
     * about the refresh grant, the grant that token serves.
     */
    private static final String REVOCATION_PATH = "/protocol/openid-connect/revoke";

    private RequestTier() {
    }

    /** The tier in force for {@code client} in this request, if the client is in one. */
    public static Optional<ConfiguredTier> of(KeycloakSession session, ClientModel client) {
        return effective(session, client).applied();
    }

    public static Optional<TierPolicy> policy(KeycloakSession session, ClientModel client) {
        return of(session, client).map(ConfiguredTier::policy);
    }

    public static EffectiveTier effective(KeycloakSession session, ClientModel client) {
        Map<String, EffectiveTier> resolved = requestMap(session, RESOLVED);
        EffectiveTier tier = resolved.computeIfAbsent(client.getId(), id -> resolve(session, client));
        return tier.including(observed(session, client));
    }

    /**
     * The tier a death of the client's session is judged by (whether to end it, whether to tell the user): this
     * request's, where the client itself made the request that ends it (a reuse, a revocation); otherwise, with no
     * request of the client's to go by, the tier its refresh tokens are held to. A configuration that can't be read
     * counts as the strictest tier here: there is no request to refuse.
     */
    public static Optional<TierPolicy> ofDeath(KeycloakSession session, ClientModel client) {
        ClientModel requesting = session.getContext().getClient();
        EffectiveTier tier = requesting != null && requesting.getId().equals(client.getId())
                ? effective(session, client)
                : new ClientTierResolver(session).resolve(client.getRealm(), client);
        return tier.policyFailingClosed();
    }

    /**
     * Hands this request's tiers to a session that does part of the request's work in a transaction of its own (a
     * reuse's death), so that it judges by the tier the request had, and by the executors Keycloak ran for it.
     */
    public static void carry(KeycloakSession from, KeycloakSession to) {
        for (String name : List.of(RESOLVED, OBSERVED)) {
            Map<?, ?> map = from.getAttribute(name, Map.class);
            if (map != null) {
                to.setAttribute(name, map);
            }
        }
    }

    /**
     * Remembers that Keycloak ran this executor for {@code client} in this request, so that its tier counts even when
     * the resolver could not decide its policy's conditions outside the live event.
     */
    public static void observe(KeycloakSession session, ClientModel client, TierSource source) {
        Map<String, List<TierSource>> observed = requestMap(session, OBSERVED);
        List<TierSource> sources = observed.computeIfAbsent(client.getId(), id -> new ArrayList<>());
        if (!sources.contains(source)) {
            sources.add(source);
        }
    }

    private static List<TierSource> observed(KeycloakSession session, ClientModel client) {
        Map<String, List<TierSource>> observed = requestMap(session, OBSERVED);
        return observed.getOrDefault(client.getId(), List.of());
    }

    private static EffectiveTier resolve(KeycloakSession session, ClientModel client) {
        RealmModel realm = client.getRealm();
        Map<String, String> parameters = requestParameters(session);
        return new ClientTierResolver(session).resolve(realm, client, grantOf(session, parameters),
                parameters.get(OAuth2Constants.SCOPE));
    }

    /**
     * The grant this request asks for: its {@code grant_type}; the refresh grant for a revocation; an authorization
     * request where there is neither.
     */
    public static Grant grant(KeycloakSession session) {
        return grantOf(session, requestParameters(session));
    }

    private static Grant grantOf(KeycloakSession session, Map<String, String> parameters) {
        String grantType = parameters.get(OAuth2Constants.GRANT_TYPE);
        if (grantType != null) {
            return Grant.ofTokenRequest(grantType);
        }
        return isRevocation(session.getContext().getHttpRequest()) ? Grant.REFRESH_TOKEN : Grant.AUTHORIZATION;
    }

    private static boolean isRevocation(HttpRequest request) {
        return request != null && request.getUri() != null
                && request.getUri().getPath().endsWith(REVOCATION_PATH);
    }

    /** The request's form and query parameters that matter here; none outside an HTTP request. */
    private static Map<String, String> requestParameters(KeycloakSession session) {
        Map<String, String> parameters = new HashMap<>();
        HttpRequest request = session.getContext().getHttpRequest();
        if (request == null) {
            return parameters;
        }
        for (String name : List.of(OAuth2Constants.GRANT_TYPE, OAuth2Constants.SCOPE)) {
            String value = "POST".equals(request.getHttpMethod()) && isForm(request)
                    ? request.getDecodedFormParameters().getFirst(name) : null;
            if (value == null && request.getUri() != null) {
                value = request.getUri().getQueryParameters().getFirst(name);
            }
            if (value != null) {
                parameters.put(name, value);
            }
        }
        return parameters;
    }

    private static boolean isForm(HttpRequest request) {
        String type = request.getHttpHeaders().getHeaderString("Content-Type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> requestMap(KeycloakSession session, String name) {
        Map<String, V> map = session.getAttribute(name, Map.class);
        if (map == null) {
            map = new HashMap<>();
            session.setAttribute(name, map);
        }
        return map;
    }
}
