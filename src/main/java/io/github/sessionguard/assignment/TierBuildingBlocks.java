package io.github.sessionguard.assignment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.tier.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.idm.ClientPoliciesRepresentation;
import org.keycloak.representations.idm.ClientPolicyConditionRepresentation;
import org.keycloak.representations.idm.ClientPolicyExecutorRepresentation;
import org.keycloak.representations.idm.ClientPolicyRepresentation;
import org.keycloak.representations.idm.ClientProfileRepresentation;
import org.keycloak.representations.idm.ClientProfilesRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.util.JsonSerialization;

/**
 * What a realm needs so that a client is put into a tier from its own pages: for each tier a client scope, a client
 * profile with the {@code session-tier} executor, and a client policy that applies the profile to every client with
 * the scope as a default scope (Keycloak's own {@code client-scopes} condition). All three share the name
 * {@code session-tier-<tier>}; all are ordinary realm configuration, so realm export and import carry them.
 *
 * <p>Setting up is idempotent and never overwrites: a profile an administrator tuned with overrides, or a policy
 * switched off, is left as it is.
 */
public final class TierBuildingBlocks {

    static final String EXECUTOR = "session-tier";
    static final String CLIENT_SCOPES_CONDITION = "client-scopes";

    private final KeycloakSession session;

    public TierBuildingBlocks(KeycloakSession session) {
        this.session = session;
    }

    /** Creates what is missing; returns every tier's blocks and which of them this call created. */
    public List<TierBlocks> setUp(RealmModel realm) throws ClientPolicyException {
        List<TierBlocks.Part> created = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            if (scope(realm, tier).isEmpty()) {
                createScope(realm, tier);
                created.add(new TierBlocks.Part(tier, TierBlocks.Kind.CLIENT_SCOPE));
            }
        }
        ClientProfilesRepresentation profiles = session.clientPolicy().getClientProfiles(realm, false);
        List<ClientProfileRepresentation> profileList = new ArrayList<>(
                Optional.ofNullable(profiles.getProfiles()).orElse(List.of()));
        ClientPoliciesRepresentation policies = session.clientPolicy().getClientPolicies(realm, false);
        List<ClientPolicyRepresentation> policyList = new ArrayList<>(
                Optional.ofNullable(policies.getPolicies()).orElse(List.of()));
        for (Tier tier : Tier.values()) {
            if (named(profileList, TierScope.nameOf(tier), ClientProfileRepresentation::getName).isEmpty()) {
                profileList.add(profile(tier));
                created.add(new TierBlocks.Part(tier, TierBlocks.Kind.CLIENT_PROFILE));
            }
            if (named(policyList, TierScope.nameOf(tier), ClientPolicyRepresentation::getName).isEmpty()) {
                policyList.add(policy(tier));
                created.add(new TierBlocks.Part(tier, TierBlocks.Kind.CLIENT_POLICY));
            }
        }
        // Profiles first: Keycloak refuses a policy that names a profile it doesn't know.
        if (created.stream().anyMatch(part -> part.kind() == TierBlocks.Kind.CLIENT_PROFILE)) {
            profiles.setProfiles(profileList);
            session.clientPolicy().updateClientProfiles(realm, profiles);
        }
        if (created.stream().anyMatch(part -> part.kind() == TierBlocks.Kind.CLIENT_POLICY)) {
            policies.setPolicies(policyList);
            session.clientPolicy().updateClientPolicies(realm, policies);
        }
        return describe(realm, created);
    }

    /** Every tier's blocks as the realm has them now. */
    public List<TierBlocks> describe(RealmModel realm) throws ClientPolicyException {
        return describe(realm, List.of());
    }

    private List<TierBlocks> describe(RealmModel realm, List<TierBlocks.Part> created) throws ClientPolicyException {
        List<ClientProfileRepresentation> profiles = Optional.ofNullable(
                session.clientPolicy().getClientProfiles(realm, false).getProfiles()).orElse(List.of());
        List<ClientPolicyRepresentation> policies = Optional.ofNullable(
                session.clientPolicy().getClientPolicies(realm, false).getPolicies()).orElse(List.of());
        List<TierBlocks> blocks = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            String name = TierScope.nameOf(tier);
            Optional<ClientScopeModel> scope = scope(realm, tier);
            List<String> clients = scope.map(found -> realm.getClientsStream()
                    .filter(client -> client.getClientScopes(true).containsKey(name))
                    .map(client -> client.getClientId()).sorted().toList()).orElse(List.of());
            Optional<ClientPolicyRepresentation> policy = named(policies, name, ClientPolicyRepresentation::getName);
            blocks.add(new TierBlocks(tier.id(), scope.isPresent() ? name : null,
                    named(profiles, name, ClientProfileRepresentation::getName).isPresent() ? name : null,
                    policy.isPresent() ? name : null,
                    policy.map(found -> Boolean.TRUE.equals(found.isEnabled())).orElse(false),
                    clients,
                    created.stream().filter(part -> part.tier() == tier).map(part -> part.kind().label()).toList()));
        }
        return blocks;
    }

    public static Optional<ClientScopeModel> scope(RealmModel realm, Tier tier) {
        return realm.getClientScopesStream().filter(scope -> TierScope.nameOf(tier).equals(scope.getName()))
                .findFirst();
    }

    private static void createScope(RealmModel realm, Tier tier) {
        ClientScopeModel scope = realm.addClientScope(TierScope.nameOf(tier));
        scope.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        scope.setDescription(TierScope.description(tier, realm.getName()));
        // A marker, not a permission: it adds nothing to tokens, and a user is never asked to consent to it.
        scope.setIncludeInTokenScope(false);
        scope.setDisplayOnConsentScreen(false);
    }

    private static ClientProfileRepresentation profile(Tier tier) {
        ClientPolicyExecutorRepresentation executor = new ClientPolicyExecutorRepresentation();
        executor.setExecutorProviderId(EXECUTOR);
        ObjectNode configuration = JsonSerialization.mapper.createObjectNode().put("tier", tier.id());
        executor.setConfiguration(configuration);
        ClientProfileRepresentation profile = new ClientProfileRepresentation();
        profile.setName(TierScope.nameOf(tier));
        profile.setDescription("Session Guard tier " + tier.id() + " for the clients with the client scope "
                + TierScope.nameOf(tier) + ". Empty overrides keep the tier's preset.");
        profile.setExecutors(List.of(executor));
        return profile;
    }

    private static ClientPolicyRepresentation policy(Tier tier) {
        ClientPolicyConditionRepresentation condition = new ClientPolicyConditionRepresentation();
        condition.setConditionProviderId(CLIENT_SCOPES_CONDITION);
        ObjectNode configuration = JsonSerialization.mapper.createObjectNode().put("type", "Default");
        configuration.putArray("scopes").add(TierScope.nameOf(tier));
        condition.setConfiguration(configuration);
        ClientPolicyRepresentation policy = new ClientPolicyRepresentation();
        policy.setName(TierScope.nameOf(tier));
        policy.setDescription("Puts every client that has the default client scope " + TierScope.nameOf(tier)
                + " into Session Guard tier " + tier.id() + ".");
        policy.setEnabled(true);
        policy.setConditions(List.of(condition));
        policy.setProfiles(List.of(TierScope.nameOf(tier)));
        return policy;
    }

    private static <T> Optional<T> named(List<T> items, String name, java.util.function.Function<T, String> nameOf) {
        return items.stream().filter(item -> Objects.equals(nameOf.apply(item), name)).findFirst();
    }
}
