package io.github.sessionguard.notify;

import java.util.List;
import java.util.Set;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.exportimport.ExportImportConfig;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Owns the pool that sends user notices, from server start to stop. Its size is a server option,
 * {@code --spi-session-guard-notify--default--threads} and {@code --...--queue-size}.
 */
public final class DefaultUserNoticeProviderFactory implements UserNoticeProviderFactory {

    public static final String PROVIDER_ID = "default";

    private int threads;
    private int queueSize;
    private NoticeMailer mailer;

    @Override
    public UserNoticeProvider create(KeycloakSession session) {
        return new DefaultUserNoticeProvider(session, mailer);
    }

    @Override
    public void init(Config.Scope config) {
        threads = Math.max(1, config.getInt("threads", 2));
        queueSize = Math.max(1, config.getInt("queue-size", 1_000));
    }

    /** {@code kc.sh export} and {@code import} start the providers too, and kill no sessions: no pool for them. */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (ExportImportConfig.getAction() == null) {
            mailer = new NoticeMailer(factory, threads, queueSize);
        }
    }

    /** Closed before the database, so the notices still queued at a stop can read their user. */
    @Override
    public Set<Class<? extends Provider>> dependsOn() {
        return Set.of(JpaConnectionProvider.class);
    }

    @Override
    public void close() {
        if (mailer != null) {
            mailer.stop();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("threads").type("int").defaultValue(2)
                .helpText("Threads that send user notices; a slow SMTP server holds up only these.").add()
                .property().name("queue-size").type("int").defaultValue(1_000)
                .helpText("User notices waiting to be sent at most; one more is dropped and logged.").add()
                .build();
    }
}
