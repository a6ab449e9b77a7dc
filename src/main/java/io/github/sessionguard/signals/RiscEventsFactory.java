package io.github.sessionguard.signals;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.keycloak.Config;
import org.keycloak.common.Profile;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.EnvironmentDependentProviderFactory;
import org.keycloak.ssf.event.SsfEvent;
import org.keycloak.ssf.event.SsfEventProviderFactory;

/**
 * Adds RISC {@code account-disabled} to the event types Keycloak's transmitter knows and may send, so that a stream
 * can request it and Session Guard can send it when an administrator disables a user whose sessions die of it.
 * Keycloak builds its registry from every such factory; like Keycloak's own, this one exists only with the
 * {@code ssf} feature.
 */
public final class RiscEventsFactory implements SsfEventProviderFactory, EnvironmentDependentProviderFactory {

    public static final String PROVIDER_ID = "session-guard-risc";

    @Override
    public Map<String, Supplier<? extends SsfEvent>> getContributedEventFactories() {
        return Map.of(RiscAccountDisabled.TYPE, RiscAccountDisabled::new);
    }

    @Override
    public Set<String> getEmittableEventTypes() {
        return Set.of(RiscAccountDisabled.TYPE);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public boolean isSupported(Config.Scope config) {
        return Profile.isFeatureEnabled(Profile.Feature.SSF);
    }
}
