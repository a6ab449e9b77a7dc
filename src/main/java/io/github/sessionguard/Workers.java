package io.github.sessionguard;

import org.keycloak.exportimport.ExportImportConfig;

/**
 * Whether Session Guard's background workers (delivery, expiry scan, housekeeping) may run: only when the server
 * serves. {@code kc.sh export} and {@code kc.sh import} start the same providers, with Keycloak's export/import
 * action set before any factory starts; a server started with {@code --import-realm} sets it only later, and serves.
 */
public final class Workers {

    private Workers() {
    }

    public static boolean allowed() {
        return ExportImportConfig.getAction() == null;
    }
}
