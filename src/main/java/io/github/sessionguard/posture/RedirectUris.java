package io.github.sessionguard.posture;

/** What makes a registered redirect URI match more than itself in Keycloak. */
final class RedirectUris {

    private RedirectUris() {
    }

    /**
     * A {@code *} anywhere (Keycloak matches it as a wildcard), or the console's shortcuts {@code +} (the root URL's
     * pattern) and {@code -} (none registered, everything of the root URL).
     */
    static boolean isWildcard(String uri) {
        String trimmed = uri == null ? "" : uri.trim();
        return trimmed.contains("*") || trimmed.equals("+") || trimmed.equals("-");
    }
}
