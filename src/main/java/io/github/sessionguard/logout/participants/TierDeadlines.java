package io.github.sessionguard.logout.participants;

import io.github.sessionguard.tier.AuthTime;
import io.github.sessionguard.tier.ClientTierResolver;
import io.github.sessionguard.tier.TierPolicy;
import java.util.Optional;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * A client's tier deadlines in one session: the tier's idle time, and the epoch second past which the tier allows no
 * token (the session's last authentication plus the tier's max-lifespan). Both null outside every tier.
 */
public record TierDeadlines(Long idleSeconds, Long maxDeadline) {

    public static final TierDeadlines NONE = new TierDeadlines(null, null);

    public static TierDeadlines of(Optional<TierPolicy> tier, UserSessionModel userSession) {
        return tier.map(policy -> new TierDeadlines(policy.idleTimeout(), AuthTime.of(userSession)
                + policy.maxLifespan())).orElse(NONE);
    }

    /**
     * The deadlines in force now: the client's tier as the realm's policies resolve it at this moment (for the
     * refresh-token grant, the one that keeps a session going), counted from the session's present auth_time. A tier
     * configuration that can't be read counts as the strictest tier, as for every death: the client's own requests
     * are refused meanwhile.
     */
    public static TierDeadlines inForce(KeycloakSession session, RealmModel realm, ClientModel client,
            UserSessionModel userSession) {
        return of(new ClientTierResolver(session).resolve(realm, client).policyFailingClosed(), userSession);
    }
}
