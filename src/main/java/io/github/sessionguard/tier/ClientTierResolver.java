package io.github.sessionguard.tier;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.keycloak.component.JsonConfigComponentModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionConfigurationRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.ClientPolicyVote;
import org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider;
import org.keycloak.util.JsonSerialization;

/**
 * Answers "which tier governs client X for grant G?", the one place that decides it: every enabled policy whose
 * conditions hold for the client contributes the {@code session-tier} executors of its profiles. Conditions are asked
 * a {@link ConditionQuestion} that carries the client and the requested scope, so that every condition about the
 * client votes on every grant, where Keycloak's own events would leave some of them abstaining (and the tier
 * unapplied) on the password, device and implicit responses.
 */
public final class ClientTierResolver {

    private static final Logger LOG = Logger.getLogger(ClientTierResolver.class);
    private static final String EXECUTOR_ID = "session-tier";
    /** The unreadable configurations already logged, bounded as the parser's cache is. */
    private static final Set<List<Object>> REPORTED = ConcurrentHashMap.newKeySet();
    private static final int REPORTED_LIMIT = 1_000;

    private final KeycloakSession session;

    public ClientTierResolver(KeycloakSession session) {
        this.session = session;
    }

    /** The tier of a client's refresh-token requests, the grant a tier matters most for; no scope requested. */
    public EffectiveTier resolve(RealmModel realm, ClientModel client) {
        return resolve(realm, client, Grant.REFRESH_TOKEN, null);
    }

    /**
     * The client's tier for each grant, no scope requested: where a condition decides by grant, a client's settings
     * weigh under a different tier for each.
     */
    public Map<Grant, EffectiveTier> resolveEveryGrant(RealmModel realm, ClientModel client) {
        Map<Grant, EffectiveTier> perGrant = new EnumMap<>(Grant.class);
        for (Grant grant : Grant.values()) {
            perGrant.put(grant, resolve(realm, client, grant, null));
        }
        return perGrant;
    }

    public EffectiveTier resolve(RealmModel realm, ClientModel client, Grant grant, String scope) {
        ConditionQuestion question = new ConditionQuestion(grant.requestEvent(), client, scope);
        List<TierSource> sources = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<UnreadableTier> unreadable = new ArrayList<>();
        KeycloakContext context = session.getContext();
        ClientModel requestClient = context.getClient();
        context.setClient(client);
        try {
            List<ClientProfileRepresentation> profiles = profiles(realm);
            for (ClientPolicyRepresentation policy : policies(realm)) {
                if (!Boolean.TRUE.equals(policy.isEnabled())) {
                    continue;
                }
                // Conditions are asked only where a tier is at stake: every token request of every client passes
                // here, and most policies of a realm carry no session-tier executor. A configuration is read only
                // once its policy selects the client, so that one that can't be read fails only those clients.
                List<StoredTier> tiers = storedTiers(policy, profiles);
                if (!tiers.isEmpty() && holdsFor(realm, policy, question, notes)) {
                    tiers.forEach(tier -> read(realm, tier, sources, unreadable));
                }
            }
        } finally {
            context.setClient(requestClient);
        }
        return new EffectiveTier(List.copyOf(sources), List.copyOf(notes), List.copyOf(unreadable));
    }

    private static void read(RealmModel realm, StoredTier tier, List<TierSource> sources,
            List<UnreadableTier> unreadable) {
        try {
            sources.add(new TierSource(tier.policy(), tier.profile(), TierConfigurationParser.parseStored(tier.raw())));
        } catch (InvalidTierConfigurationException e) {
            UnreadableTier found = new UnreadableTier(tier.policy(), tier.profile(), e.getMessage());
            unreadable.add(found);
            reportOnce(realm, found, tier.raw());
        }
    }

    /** Once per realm, profile and stored form, not per request: every token request of its clients meets it. */
    private static void reportOnce(RealmModel realm, UnreadableTier unreadable, Map<String, Object> raw) {
        if (REPORTED.size() >= REPORTED_LIMIT) {
            REPORTED.clear();
        }
        if (REPORTED.add(List.of(realm.getId(), unreadable.clientProfile(), raw))) {
            LOG.errorf("A session-tier configuration in realm %s can't be read: client profile '%s' (client policy"
                    + " '%s'): %s. The clients that policy selects get no tokens until an administrator fixes the"
                    + " profile; the realm's other clients are not affected", realm.getName(),
                    unreadable.clientProfile(), unreadable.clientPolicy(), unreadable.problem());
        }
    }

    private List<ClientPolicyRepresentation> policies(RealmModel realm) {
        try {
            ClientPoliciesRepresentation policies = session.clientPolicy().getClientPolicies(realm, true);
            return concat(policies.getGlobalPolicies(), policies.getPolicies());
        } catch (ClientPolicyException e) {
            throw new IllegalStateException("Client policies of realm " + realm.getName() + " are unreadable: "
                    + e.getErrorDetail(), e);
        }
    }

    private List<ClientProfileRepresentation> profiles(RealmModel realm) {
        try {
            ClientProfilesRepresentation profiles = session.clientPolicy().getClientProfiles(realm, true);
            return concat(profiles.getProfiles(), profiles.getGlobalProfiles());
        } catch (ClientPolicyException e) {
            throw new IllegalStateException("Client profiles of realm " + realm.getName() + " are unreadable: "
                    + e.getErrorDetail(), e);
        }
    }

    /** Mirrors Keycloak's own rule: every condition votes yes, or abstains in a non-strict policy; at least one yes. */
    private boolean holdsFor(RealmModel realm, ClientPolicyRepresentation policy, ConditionQuestion question,
            List<String> notes) {
        List<ClientPolicyConditionRepresentation> conditions = Optional.ofNullable(policy.getConditions())
                .orElse(List.of());
        boolean strict = "strict".equalsIgnoreCase(policy.getMode());
        boolean anyYes = false;
        for (ClientPolicyConditionRepresentation condition : conditions) {
            ClientPolicyVote vote;
            try {
                vote = vote(realm, condition, question);
            } catch (RuntimeException | ClientPolicyException e) {
                notes.add("Condition '" + condition.getConditionProviderId() + "' of client policy '"
                        + policy.getName() + "' can only be decided during a live request (asked about "
                        + question.getEvent() + "); that policy is left out here");
                return false;
            }
            if (vote == ClientPolicyVote.NO || (vote == ClientPolicyVote.ABSTAIN && strict)) {
                return false;
            }
            anyYes |= vote == ClientPolicyVote.YES;
        }
        return anyYes;
    }

    private ClientPolicyVote vote(RealmModel realm, ClientPolicyConditionRepresentation condition,
            ConditionQuestion question)
            throws ClientPolicyException {
        JsonNode config = condition.getConfiguration();
        JsonConfigComponentModel model = new JsonConfigComponentModel(ClientPolicyConditionProvider.class,
                realm.getId(), condition.getConditionProviderId(), config);
        @SuppressWarnings("unchecked")
        ClientPolicyConditionProvider<ClientPolicyConditionConfigurationRepresentation> provider =
                session.getComponentProvider(ClientPolicyConditionProvider.class, model.getId(), factory -> model);
        if (provider == null) {
            throw new IllegalStateException("No condition provider " + condition.getConditionProviderId());
        }
        provider.setupConfiguration(JsonSerialization.mapper.convertValue(config,
                provider.getConditionConfigurationClass()));
        ClientPolicyVote vote = provider.applyPolicy(question);
        if (provider.isNegativeLogic() && vote != ClientPolicyVote.ABSTAIN) {
            return vote == ClientPolicyVote.YES ? ClientPolicyVote.NO : ClientPolicyVote.YES;
        }
        return vote;
    }

    /** The session-tier executors of a policy's profiles, as stored: read only once the policy selects the client. */
    private List<StoredTier> storedTiers(ClientPolicyRepresentation policy,
            List<ClientProfileRepresentation> profiles) {
        List<StoredTier> sources = new ArrayList<>();
        for (String profileName : Optional.ofNullable(policy.getProfiles()).orElse(List.of())) {
            profiles.stream().filter(profile -> Objects.equals(profile.getName(), profileName)).findFirst()
                    .ifPresent(profile -> {
                        for (ClientPolicyExecutorRepresentation executor
                                : Optional.ofNullable(profile.getExecutors()).orElse(List.of())) {
                            if (EXECUTOR_ID.equals(executor.getExecutorProviderId())) {
                                sources.add(new StoredTier(policy.getName(), profileName,
                                        asMap(executor.getConfiguration())));
                            }
                        }
                    });
        }
        return sources;
    }

    private record StoredTier(String policy, String profile, Map<String, Object> raw) {
    }

    private static Map<String, Object> asMap(JsonNode configuration) {
        if (configuration == null || configuration.isNull()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JsonSerialization.mapper.convertValue(configuration, Map.class);
        return map;
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        return Stream.concat(Optional.ofNullable(first).orElse(List.of()).stream(),
                Optional.ofNullable(second).orElse(List.of()).stream()).toList();
    }
}
