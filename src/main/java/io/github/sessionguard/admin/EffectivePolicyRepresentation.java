package io.github.sessionguard.admin;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.github.sessionguard.tier.EffectiveTier;
import io.github.sessionguard.tier.Grant;
import io.github.sessionguard.tier.TierPolicy;
import io.github.sessionguard.tier.TierSetting;
import io.github.sessionguard.tier.TierSource;
import io.github.sessionguard.tier.TierWarnings;
import io.github.sessionguard.tier.UnreadableTier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * The JSON answer of {@code GET .../session-guard/clients/{clientId}}. Every value is present, null where no tier
 * applies, so that a client outside every tier reads as plainly as one inside. A client under a configuration that
 * can't be read has no tier and no values; the policy and profile name the unreadable one, and a warning says why.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"clientId", "tier", "clientPolicy", "clientProfile"})
public final class EffectivePolicyRepresentation {

    private final String clientId;
    private final String tier;
    private final String clientPolicy;
    private final String clientProfile;
    /** Each setting of the tier model's table by its JSON name ({@code idleTimeout}), null where no tier applies. */
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final Map<String, String> grants;
    private final List<String> warnings;

    private EffectivePolicyRepresentation(String clientId, String tier, String clientPolicy, String clientProfile,
            TierPolicy policy, Map<String, String> grants, List<String> warnings) {
        this.clientId = clientId;
        this.tier = tier;
        this.clientPolicy = clientPolicy;
        this.clientProfile = clientProfile;
        TierSetting.policyValues().forEach(setting -> settings.put(setting.jsonName(),
                policy == null ? null : policy.value(setting)));
        this.grants = grants;
        this.warnings = warnings;
    }

    public String getClientId() {
        return clientId;
    }

    public String getTier() {
        return tier;
    }

    public String getClientPolicy() {
        return clientPolicy;
    }

    public String getClientProfile() {
        return clientProfile;
    }

    /** Written beside the fields above, nulls too (Keycloak's mapper leaves a map's nulls out unless told). */
    @JsonAnyGetter
    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    public Map<String, Object> getSettings() {
        return settings;
    }

    @JsonInclude(value = JsonInclude.Include.ALWAYS, content = JsonInclude.Include.ALWAYS)
    public Map<String, String> getGrants() {
        return grants;
    }

    public List<String> getWarnings() {
        return warnings;
    }

    /**
     * @param effective the client's tier for refresh-token requests, which the values describe
     * @param perGrant  the client's tier for each grant: the same unless a condition votes by grant
     */
    static EffectivePolicyRepresentation of(RealmModel realm, ClientModel client, EffectiveTier effective,
            Map<Grant, EffectiveTier> perGrant) {
        List<String> warnings = new ArrayList<>(effective.notes());
        effective.unreadable().forEach(unreadable -> warnings.add(refusal(unreadable)));
        Map<String, String> grants = new LinkedHashMap<>();
        String tierName = effective.tierIdOrNull();
        perGrant.forEach((grant, tier) -> {
            String name = tier.tierIdOrNull();
            grants.put(grant.grantType(), name);
            tier.unreadable().stream().map(EffectivePolicyRepresentation::refusal)
                    .filter(note -> !warnings.contains(note)).forEach(warnings::add);
            if (!tier.unreadable().isEmpty() || !effective.unreadable().isEmpty()) {
                return;
            }
            if (!Objects.equals(tier.policy(), effective.policy())) {
                warnings.add("For grant '" + grant.grantType() + "' the client is "
                        + (name == null ? "outside every tier" : "in a different tier (" + name + ")")
                        + ": a condition of its policies decides by grant");
            }
            tier.notes().stream().filter(note -> !warnings.contains(note)).forEach(warnings::add);
        });
        if (!effective.unreadable().isEmpty()) {
            UnreadableTier unreadable = effective.unreadable().get(0);
            return withoutValues(client.getClientId(), unreadable.clientPolicy(), unreadable.clientProfile(), grants,
                    warnings);
        }
        TierSource source = effective.primarySource().orElse(null);
        TierPolicy policy = effective.policy().orElse(null);
        if (source == null || policy == null) {
            warnings.addAll(TierWarnings.logout(client));
            return withoutValues(client.getClientId(), null, null, grants, warnings);
        }
        if (effective.sources().size() > 1) {
            warnings.add("The client is under " + effective.sources().size() + " session-tier executors ("
                    + describe(effective.sources()) + "); the strictest value of each applies");
        }
        warnings.addAll(TierWarnings.of(realm, client, policy));
        return new EffectivePolicyRepresentation(client.getClientId(), tierName, source.clientPolicy(),
                source.clientProfile(), policy, grants, List.copyOf(warnings));
    }

    /** A client with no tier values to show: outside every tier, or under a configuration that can't be read. */
    private static EffectivePolicyRepresentation withoutValues(String clientId, String clientPolicy,
            String clientProfile, Map<String, String> grants, List<String> warnings) {
        return new EffectivePolicyRepresentation(clientId, null, clientPolicy, clientProfile, null, grants,
                List.copyOf(warnings));
    }

    private static String refusal(UnreadableTier unreadable) {
        return unreadable.describe() + "; the client's requests are refused until an administrator fixes it";
    }

    private static String describe(List<TierSource> sources) {
        return String.join(", ", sources.stream().map(source -> "policy '" + source.clientPolicy() + "', profile '"
                + source.clientProfile() + "', tier " + source.configuredTier().tier().id()).toList());
    }
}
