package io.github.sessionguard.tier;

import org.keycloak.models.ClientModel;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.context.ClientModelContext;
import org.keycloak.services.clientpolicy.context.ScopeParameterContext;

/**
 * What a condition is asked when Session Guard decides a client's tier: "does this client, requesting this scope,
 * for this grant, fall under you?". It carries the client and the scope, so that Keycloak's conditions about the
 * client ({@code client-roles}, {@code client-access-type}, {@code client-attributes}, {@code client-scopes}) vote on
 * every grant, even those on which Keycloak itself raises an event that does not carry the client.
 */
final class ConditionQuestion implements ClientModelContext, ScopeParameterContext {

    private final ClientPolicyEvent event;
    private final ClientModel client;
    private final String scope;

    ConditionQuestion(ClientPolicyEvent event, ClientModel client, String scope) {
        this.event = event;
        this.client = client;
        this.scope = scope;
    }

    @Override
    public ClientPolicyEvent getEvent() {
        return event;
    }

    @Override
    public ClientModel getClient() {
        return client;
    }

    @Override
    public String getScopeParameter() {
        return scope;
    }
}
