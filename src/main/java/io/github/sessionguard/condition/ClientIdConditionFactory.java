package io.github.sessionguard.condition;

import io.github.sessionguard.StatelessProviderFactory;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider;
import org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProviderFactory;

/**
 * Registers the {@code client-id} client-policy condition, so an administrator can put named clients in a session
 * tier by picking them, without first tagging them with roles or attributes.
 */
public final class ClientIdConditionFactory implements ClientPolicyConditionProviderFactory,
        StatelessProviderFactory<ClientPolicyConditionProvider> {

    public static final String PROVIDER_ID = "client-id";
    public static final String CLIENTS = "clients";

    /**
     * A list of client IDs, one per line. Keycloak 26.7.3's client picker ({@code ClientList}) takes a single client,
     * and a second pick replaces the first, so a tier of several clients would need a policy per client.
     */
    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = List.of(new ProviderConfigProperty(
            CLIENTS, "Clients", "The client IDs this condition selects, one per line; add a line for each client."
                    + " To put a client into a tier from its own page, add the client scope session-tier-<tier> to"
                    + " it instead.",
            ProviderConfigProperty.MULTIVALUED_STRING_TYPE, null));

    @Override
    public ClientPolicyConditionProvider<?> create(KeycloakSession session) {
        return new ClientIdCondition(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "The condition holds for the listed clients, picked by client ID.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG_PROPERTIES;
    }
}
