package io.github.sessionguard.tier;

import io.github.sessionguard.backchannel.BackchannelTarget;
import java.util.ArrayList;
import java.util.List;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * The places where a realm or a client's own settings cap or contradict its tier. A tier never lengthens anything
 * Keycloak decides elsewhere, so an administrator needs to see where the realm, not the tier, is in charge.
 */
public final class TierWarnings {

    private TierWarnings() {
    }

    public static List<String> of(RealmModel realm, ClientModel client, TierPolicy policy) {
        List<String> warnings = new ArrayList<>(lifetimes(realm, client, policy));
        warnings.addAll(logout(client));
        return List.copyOf(warnings);
    }

    /** Where the realm's or the client's own lifetimes, or the realm's own rotation, take over from the tier. */
    public static List<String> lifetimes(RealmModel realm, ClientModel client, TierPolicy policy) {
        List<String> warnings = new ArrayList<>();
        shorterInRealm(warnings, "SSO Session Idle", realm.getSsoSessionIdleTimeout(), "idle-timeout",
                policy.idleTimeout());
        shorterInRealm(warnings, "SSO Session Max", realm.getSsoSessionMaxLifespan(), "max-lifespan",
                policy.maxLifespan());
        shorterInRealm(warnings, "Access Token Lifespan", realm.getAccessTokenLifespan(), "access-token-lifespan",
                policy.accessTokenLifespan());
        if (policy.offlineAccess()) {
            shorterInRealm(warnings, "Offline Session Idle", realm.getOfflineSessionIdleTimeout(), "idle-timeout",
                    policy.idleTimeout());
        }
        if (realm.isRevokeRefreshToken()) {
            warnings.add("Realm 'Revoke Refresh Token' is on: Keycloak's realm-wide rotation also applies to this"
                    + " client, on top of the tier's");
        }
        shorterInClient(warnings, client, "client.session.idle.timeout", "Client Session Idle", "idle-timeout",
                policy.idleTimeout());
        shorterInClient(warnings, client, "client.session.max.lifespan", "Client Session Max", "max-lifespan",
                policy.maxLifespan());
        shorterInClient(warnings, client, "access.token.lifespan", "Access Token Lifespan",
                "access-token-lifespan", policy.accessTokenLifespan());
        return List.copyOf(warnings);
    }

    /** Where the client's relying party would not hear of an ended session. */
    public static List<String> logout(ClientModel client) {
        List<String> warnings = new ArrayList<>();
        if (client.isFrontchannelLogout()) {
            warnings.add("Front-channel logout is on: Keycloak's back-channel logout skips this client; switch it"
                    + " off so that the relying party hears of every ended session");
        }
        BackchannelTarget.Miss miss = BackchannelTarget.of(client).miss();
        if (miss == BackchannelTarget.Miss.NO_URL && !client.isPublicClient() && !client.isBearerOnly()) {
            warnings.add("Confidential client without a back-channel logout URL: its relying party is never told"
                    + " when a session ends");
        }
        if (miss == BackchannelTarget.Miss.NOT_HTTP_URL) {
            warnings.add("Back-channel logout URL '" + BackchannelTarget.configuredUrl(client) + "' is not an"
                    + " absolute http(s) URL: it is never sent to, so the relying party is never told when a session"
                    + " ends");
        }
        return List.copyOf(warnings);
    }

    private static void shorterInRealm(List<String> warnings, String realmSetting, int realmSeconds, String key,
            long tierSeconds) {
        if (realmSeconds > 0 && realmSeconds < tierSeconds) {
            warnings.add("Realm '" + realmSetting + "' (" + realmSeconds + " s) is shorter than the tier's " + key
                    + " (" + tierSeconds + " s): the realm's value applies");
        }
    }

    private static void shorterInClient(List<String> warnings, ClientModel client, String attribute, String label,
            String key, long tierSeconds) {
        String value = client.getAttribute(attribute);
        if (isBlank(value)) {
            return;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds > 0 && seconds < tierSeconds) {
                warnings.add("Client '" + label + "' (" + seconds + " s) is shorter than the tier's " + key + " ("
                        + tierSeconds + " s): the client's value applies");
            }
        } catch (NumberFormatException e) {
            warnings.add("Client attribute '" + attribute + "' is not a number: '" + value + "'");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
