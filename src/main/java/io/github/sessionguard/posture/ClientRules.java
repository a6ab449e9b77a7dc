package io.github.sessionguard.posture;

import io.github.sessionguard.backchannel.BackchannelTarget;
import io.github.sessionguard.assignment.TierScope;
import io.github.sessionguard.tier.ClientTokenSettings;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.EffectiveTier;
import io.github.sessionguard.tier.Grant;
import io.github.sessionguard.tier.Tier;
import io.github.sessionguard.tier.TierPolicy;
import io.github.sessionguard.tier.TierWarnings;
import io.github.sessionguard.tier.UnreadableTier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;

/**
 * The findings of one client: its own settings judged against its tier, the one the client is in for refresh-token
 * requests (and, for offline tokens, for every grant). A weakness the tier refuses at every request is a leftover
 * (info); one the tier allows by choice weighs one step less than one nothing stops. Reads only.
 */
final class ClientRules {

    private final RealmModel realm;
    private final ClientModel client;
    private final List<UnreadableTier> unreadable;
    private final Optional<ConfiguredTier> tier;
    private final Map<Grant, EffectiveTier> perGrant;
    private final OIDCAdvancedConfigWrapper config;
    private final ClientTokenSettings tokens;
    private final List<Finding> findings = new ArrayList<>();

    ClientRules(RealmModel realm, ClientModel client, EffectiveTier effective, Map<Grant, EffectiveTier> perGrant) {
        this.realm = realm;
        this.client = client;
        this.unreadable = Stream.concat(Stream.of(effective), perGrant.values().stream())
                .flatMap(resolved -> resolved.unreadable().stream()).distinct().toList();
        this.tier = unreadable.isEmpty() ? effective.applied() : Optional.empty();
        this.perGrant = perGrant;
        this.config = OIDCAdvancedConfigWrapper.fromClientModel(client);
        this.tokens = ClientTokenSettings.of(client);
    }

    List<Finding> findings() {
        if (!unreadable.isEmpty()) {
            // Nothing else can be judged against a tier that can't be read, and nothing else matters as much.
            unreadable.forEach(found -> findings.add(FindingId.TIER_CONFIGURATION_UNREADABLE.finding(found.describe()
                    + ": every request of the client is refused")));
            return List.copyOf(findings);
        }
        if (tier.isEmpty()) {
            findings.add(FindingId.NO_TIER.finding("The client is outside every tier: no session-tier policy selects"
                    + " it, so only the realm's settings govern its sessions and tokens"));
        }
        optionalTierScopes();
        pkce();
        legacyGrants();
        redirectUris();
        refreshTokens();
        logout();
        signatures();
        offlineAccess();
        lifetimes();
        return List.copyOf(findings);
    }

    /** An administrator meant to put the client in a tier, and picked "Optional" where the tier needs "Default". */
    private void optionalTierScopes() {
        client.getClientScopes(false).keySet().stream().filter(name -> TierScope.tierOf(name).isPresent()).sorted()
                .forEach(name -> findings.add(FindingId.TIER_SCOPE_OPTIONAL.finding("The tier scope " + name
                        + " is an optional client scope of the client, so it puts the client in no tier")));
    }

    private void pkce() {
        if (!client.isPublicClient() || !client.isStandardFlowEnabled()
                || OAuth2Constants.PKCE_METHOD_S256.equals(config.getPkceCodeChallengeMethod())) {
            return;
        }
        String message = "Public client with the standard flow and no PKCE S256 enforced: a stolen authorization code"
                + " can be redeemed by another app";
        if (tier.isEmpty()) {
            findings.add(FindingId.PKCE_NOT_ENFORCED.finding(message));
        } else if (!policy().requirePkce()) {
            findings.add(FindingId.PKCE_NOT_ENFORCED.allowedByTier(message + " (tier '" + tierId()
                    + "' has require-pkce false)"));
        }
    }

    private void legacyGrants() {
        if (tokens.implicitFlow()) {
            legacyGrant(FindingId.IMPLICIT_FLOW_ENABLED, "'Implicit flow' is on: tokens travel in the browser's URL,"
                    + " where history, logs and referrers leak them");
        }
        if (tokens.directAccessGrants()) {
            legacyGrant(FindingId.PASSWORD_GRANT_ENABLED, "'Direct access grants' is on: the app handles the user's"
                    + " password, and no second factor or PKCE protects the grant");
        }
    }

    private void legacyGrant(FindingId id, String message) {
        if (tier.isEmpty()) {
            findings.add(id.finding(message));
        } else if (policy().refuseLegacyGrants()) {
            findings.add(id.refusedByTier(message + "; tier '" + tierId() + "' refuses it at every request, so the"
                    + " switch is only a leftover"));
        } else {
            findings.add(id.allowedByTier(message + " (tier '" + tierId() + "' has refuse-legacy-grants false)"));
        }
    }

    private void redirectUris() {
        List<String> wildcards = client.getRedirectUris().stream().filter(RedirectUris::isWildcard).sorted().toList();
        if (!wildcards.isEmpty()) {
            findings.add(FindingId.WILDCARD_REDIRECT_URI.finding("Redirect URI " + String.join(", ", wildcards)
                    + " is not an exact URI: a code or token can be sent to any page it matches"));
        }
    }

    private void refreshTokens() {
        if (!client.isPublicClient() || !config.isUseRefreshToken() || config.isUseDPoP()) {
            return;
        }
        boolean realmRotates = realm.isRevokeRefreshToken() && realm.getRefreshTokenMaxReuse() == 0;
        if (tier.isEmpty()) {
            if (!realmRotates) {
                findings.add(FindingId.REFRESH_TOKEN_NOT_ROTATED.finding("Public client whose refresh tokens are"
                        + " neither rotated with reuse revocation nor DPoP-bound: a stolen refresh token works until"
                        + " it expires"));
            }
            return;
        }
        TierPolicy policy = policy();
        if (policy.requireDpop()) {
            return;
        }
        if (policy.rotateRefreshTokens() && policy.revokeSessionOnReuse()) {
            findings.add(FindingId.DPOP_NOT_REQUIRED.finding("Refresh tokens are rotated, and a reused one ends the"
                    + " session (tier '" + tierId() + "'), but not DPoP-bound: require-dpop is off because most"
                    + " mobile SDKs don't send DPoP proofs yet"));
        } else if (!realmRotates) {
            findings.add(FindingId.REFRESH_TOKEN_NOT_ROTATED.allowedByTier("Public client whose refresh tokens are"
                    + " neither rotated with reuse revocation nor DPoP-bound (tier '" + tierId() + "' has"
                    + " rotate-refresh-tokens or revoke-session-on-reuse false)"));
        }
    }

    private void logout() {
        if (client.isFrontchannelLogout()) {
            findings.add(FindingId.FRONT_CHANNEL_LOGOUT_ON.finding("'Front channel logout' is on: Keycloak's"
                    + " back-channel logout skips this client, so its backend is never told a session ended"));
        }
        BackchannelTarget.Miss miss = BackchannelTarget.of(client).miss();
        if (miss == BackchannelTarget.Miss.NO_URL && !client.isPublicClient() && client.isStandardFlowEnabled()) {
            findings.add(FindingId.NO_BACKCHANNEL_LOGOUT_URL.finding("Confidential client with the standard flow and"
                    + " no 'Backchannel logout URL': its backend is never told a session ended"));
        }
        if (miss == BackchannelTarget.Miss.NOT_HTTP_URL) {
            findings.add(FindingId.BACKCHANNEL_LOGOUT_URL_NOT_HTTP.finding("'Backchannel logout URL' '"
                    + BackchannelTarget.configuredUrl(client) + "' is not an absolute http(s) URL: Session Guard never"
                    + " sends to it, so the client's backend is never told a session ended"));
        }
    }

    private void signatures() {
        for (ClientTokenSettings.Weakness weak : tokens.weakSignatures()) {
            String message = weak.describe() + ": a token signed with none or a shared secret can be forged";
            if (tier.isEmpty() || tier.get().tier().forbidsWeakSignatures()) {
                findings.add(FindingId.WEAK_SIGNATURE_ALGORITHM.finding(message + (tier.isEmpty() ? ""
                        : "; tier '" + tierId() + "' forbids it, so the client's token requests are refused")));
            } else {
                findings.add(FindingId.WEAK_SIGNATURE_ALGORITHM.allowedByTier(message));
            }
        }
    }

    /** High and medium forbid offline tokens; the client must not reach one by an override or an untiered grant. */
    private void offlineAccess() {
        if (tier.isEmpty() || tier.get().tier() == Tier.LOW || !hasOfflineScope()) {
            return;
        }
        if (policy().offlineAccess()) {
            findings.add(FindingId.OFFLINE_ACCESS_ALLOWED.allowedByTier("Tier '" + tierId() + "' has offline-access"
                    + " true: the client's offline tokens outlive every session limit of the tier"));
            return;
        }
        List<String> open = perGrant.entrySet().stream()
                .filter(entry -> entry.getValue().policy().map(TierPolicy::offlineAccess).orElse(true))
                .map(entry -> entry.getKey().grantType()).sorted().toList();
        if (!open.isEmpty()) {
            findings.add(FindingId.OFFLINE_ACCESS_ALLOWED.finding("The client is in tier '" + tierId() + "', but not"
                    + " for " + String.join(", ", open) + ": a condition decides by grant, and that path can still get"
                    + " offline tokens"));
        }
    }

    private void lifetimes() {
        tier.ifPresent(configured -> TierWarnings.lifetimes(realm, client, configured.policy()).forEach(warning ->
                findings.add(FindingId.SESSION_LONGER_THAN_TIER.finding(warning))));
    }

    private boolean hasOfflineScope() {
        return client.getClientScopes(true).containsKey(OAuth2Constants.OFFLINE_ACCESS)
                || client.getClientScopes(false).containsKey(OAuth2Constants.OFFLINE_ACCESS);
    }

    private TierPolicy policy() {
        return tier.orElseThrow().policy();
    }

    private String tierId() {
        return tier.orElseThrow().tier().id();
    }
}
