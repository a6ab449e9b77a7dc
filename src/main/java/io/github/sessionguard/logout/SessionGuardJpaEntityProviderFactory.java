package io.github.sessionguard.logout;

import io.github.sessionguard.StatelessProviderFactory;
import io.github.sessionguard.logout.outbox.LogoutAttemptEntity;
import io.github.sessionguard.logout.outbox.LogoutNotificationEntity;
import io.github.sessionguard.logout.participants.SessionLimitLockEntity;
import io.github.sessionguard.logout.participants.SessionParticipantEntity;
import java.util.List;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;

/**
 * Adds Session Guard's tables (the outbox and its attempts, the participants, the session-limit locks) to Keycloak's own database, created and
 * migrated by its Liquibase changelog.
 */
public final class SessionGuardJpaEntityProviderFactory implements JpaEntityProviderFactory,
        StatelessProviderFactory<JpaEntityProvider>, JpaEntityProvider {

    public static final String PROVIDER_ID = "session-guard";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(LogoutNotificationEntity.class, LogoutAttemptEntity.class, SessionParticipantEntity.class,
                SessionLimitLockEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/session-guard-changelog-master.xml";
    }

    @Override
    public String getFactoryId() {
        return PROVIDER_ID;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Declared here because this class inherits close() from two interfaces. */
    @Override
    public void close() {
    }
}
