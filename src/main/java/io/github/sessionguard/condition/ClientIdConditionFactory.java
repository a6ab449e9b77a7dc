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

    private static final List<ProviderConfigProperty> CONFIG_PROPERTIES = List.of(new ProviderConfigProperty(
            CLIENTS, "Clients", "The clients (by client ID) this condition selects.",
            ProviderConfigProperty.CLIENT_LIST_TYPE, null));

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
