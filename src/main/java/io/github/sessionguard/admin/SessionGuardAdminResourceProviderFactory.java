package io.github.sessionguard.admin;

import io.github.sessionguard.StatelessProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Mounts Session Guard's admin REST API at {@code /admin/realms/{realm}/session-guard/}. Keycloak authenticates the
 * caller before this runs; the resource checks what the caller may see.
 */
public final class SessionGuardAdminResourceProviderFactory
        implements AdminRealmResourceProviderFactory,
        StatelessProviderFactory<AdminRealmResourceProvider>, AdminRealmResourceProvider {

    public static final String PROVIDER_ID = "session-guard";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
            AdminEventBuilder adminEvent) {
        return new SessionGuardAdminResource(session, realm, auth, adminEvent);
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
