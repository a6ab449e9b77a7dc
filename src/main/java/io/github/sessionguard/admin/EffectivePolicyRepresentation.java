package io.github.sessionguard.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.sessionguard.tier.EffectiveTier;
import io.github.sessionguard.tier.TierPolicy;
import io.github.sessionguard.tier.TierSource;
import io.github.sessionguard.tier.TierWarnings;
import java.util.ArrayList;
import java.util.List;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * The JSON answer of {@code GET .../session-guard/clients/{clientId}}. Every value is present, null where no tier
 * applies, so that a client outside every tier reads as plainly as one inside.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EffectivePolicyRepresentation(
        String clientId,
        String tier,
        String clientPolicy,
        String clientProfile,
        Long idleTimeout,
        Long maxLifespan,
        Long accessTokenLifespan,
        Long reauthMaxAge,
        Long reuseGracePeriod,
        Boolean rotateRefreshTokens,
        Boolean revokeSessionOnReuse,
        Boolean revocationEndsSession,
        Boolean offlineAccess,
        Boolean endSessionsOnCredentialChange,
        List<String> warnings) {

    static EffectivePolicyRepresentation of(RealmModel realm, ClientModel client, EffectiveTier effective) {
        List<String> warnings = new ArrayList<>(effective.notes());
        TierSource source = effective.primarySource().orElse(null);
        TierPolicy policy = effective.policy().orElse(null);
        if (source == null || policy == null) {
            return new EffectivePolicyRepresentation(client.getClientId(), null, null, null, null, null, null, null,
                    null, null, null, null, null, null, List.copyOf(warnings));
        }
        if (effective.sources().size() > 1) {
            warnings.add("The client is under " + effective.sources().size() + " session-tier executors ("
                    + describe(effective.sources()) + "); the strictest value of each applies");
        }
        warnings.addAll(TierWarnings.of(realm, client, policy));
        return new EffectivePolicyRepresentation(client.getClientId(), source.configuredTier().tier().id(),
                source.clientPolicy(), source.clientProfile(), policy.idleTimeout(), policy.maxLifespan(),
                policy.accessTokenLifespan(), policy.reauthMaxAge(), policy.reuseGracePeriod(),
                policy.rotateRefreshTokens(), policy.revokeSessionOnReuse(), policy.revocationEndsSession(),
                policy.offlineAccess(), policy.endSessionsOnCredentialChange(), List.copyOf(warnings));
    }

    private static String describe(List<TierSource> sources) {
        return String.join(", ", sources.stream().map(source -> "policy '" + source.clientPolicy() + "', profile '"
                + source.clientProfile() + "', tier " + source.configuredTier().tier().id()).toList());
    }
}
