package io.github.sessionguard.tier;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
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

    private static final String EXECUTOR_ID = "session-tier";

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
                // here, and most policies of a realm carry no session-tier executor.
                List<TierSource> tiers = tierSources(policy, profiles);
                if (!tiers.isEmpty() && holdsFor(realm, policy, question, notes)) {
                    sources.addAll(tiers);
                }
            }
        } finally {
            context.setClient(requestClient);
        }
        return new EffectiveTier(List.copyOf(sources), List.copyOf(notes));
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

    private List<TierSource> tierSources(ClientPolicyRepresentation policy, List<ClientProfileRepresentation> profiles) {
        List<TierSource> sources = new ArrayList<>();
        for (String profileName : Optional.ofNullable(policy.getProfiles()).orElse(List.of())) {
            profiles.stream().filter(profile -> Objects.equals(profile.getName(), profileName)).findFirst()
                    .ifPresent(profile -> {
                        for (ClientPolicyExecutorRepresentation executor
                                : Optional.ofNullable(profile.getExecutors()).orElse(List.of())) {
                            if (EXECUTOR_ID.equals(executor.getExecutorProviderId())) {
                                sources.add(new TierSource(policy.getName(), profileName,
                                        TierConfigurationParser.parseStored(asMap(executor.getConfiguration()))));
                            }
                        }
                    });
        }
        return sources;
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
