package io.github.sessionguard.condition;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.idm.ClientPolicyConditionConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.ClientPolicyVote;
import org.keycloak.services.clientpolicy.condition.AbstractClientPolicyConditionProvider;
import org.keycloak.services.clientpolicy.context.ClientModelContext;
import org.keycloak.services.clientpolicy.context.PreAuthorizationRequestContext;

/** Votes yes for the clients whose client ID the administrator listed, no for every other client. */
final class ClientIdCondition extends AbstractClientPolicyConditionProvider<ClientPolicyConditionConfigurationRepresentation> {

    ClientIdCondition(KeycloakSession session) {
        super(session);
    }

    @Override
    public String getProviderId() {
        return ClientIdConditionFactory.PROVIDER_ID;
    }

    @Override
    public ClientPolicyVote applyPolicy(ClientPolicyContext context) throws ClientPolicyException {
        String clientId = clientIdOf(context);
        if (clientId == null) {
            return ClientPolicyVote.ABSTAIN;
        }
        return selectedClientIds().contains(clientId) ? ClientPolicyVote.YES : ClientPolicyVote.NO;
    }

    private String clientIdOf(ClientPolicyContext context) {
        if (context.getEvent() == ClientPolicyEvent.PRE_AUTHORIZATION_REQUEST) {
            return ((PreAuthorizationRequestContext) context).getClientId();
        }
        ClientModel client = context instanceof ClientModelContext withClient
                ? withClient.getClient()
                : session.getContext().getClient();
        return client == null ? null : client.getClientId();
    }

    /** The admin console stores a list; configurations saved by earlier versions hold one client ID, or a comma list. */
    private Set<String> selectedClientIds() {
        Object value = configuration.getConfigAsMap().get(ClientIdConditionFactory.CLIENTS);
        Stream<?> values = value instanceof Collection<?> list ? list.stream() : Stream.ofNullable(value);
        return values.map(String::valueOf)
                .flatMap(text -> Arrays.stream(text.split(",")))
                .map(String::trim)
                .filter(text -> !text.isEmpty())
                .collect(Collectors.toSet());
    }
}
