package io.github.sessionguard.notify;

/** The name a user knows an application by: its display name, else its client ID. */
final class ApplicationName {

    private ApplicationName() {
    }

    /**
     * A name that is a message key ({@code ${client_account}}, as Keycloak's own clients have) would reach the email
     * as is, unresolved: the client ID says more.
     */
    static String of(String name, String clientId) {
        if (name == null || name.isBlank() || (name.startsWith("${") && name.endsWith("}"))) {
            return clientId;
        }
        return name.trim();
    }
}
