package io.github.sessionguard.backchannel;

import java.net.URI;
import java.util.Locale;
import org.keycloak.models.ClientModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/**
 * Whether a client is told of an ended session, and at which URL: the one rule that the funnel (when it queues),
 * delivery (when it sends, from the client as it is then), the posture report and the tier warnings all follow. Told
 * is an enabled OpenID Connect client with an http(s) back-channel logout URL and front-channel logout off, as
 * Keycloak's own sender requires. A relative URL ({@code /logout}) is resolved against the client's Root URL, as
 * Keycloak resolves it; without an absolute http(s) Root URL it can't be, and the client is not told.
 *
 * @param url  where the logout token goes; null when the client is not told
 * @param miss why the client is not told; null when it is
 */
public record BackchannelTarget(String url, Miss miss) {

    /** Why a client is not told, in the order they are looked at: the first that applies is named. */
    public enum Miss {
        CLIENT_GONE("the client no longer exists"),
        NOT_OPENID_CONNECT("the client is not an OpenID Connect client"),
        NO_URL("the client has no back-channel logout URL"),
        NOT_HTTP_URL("the client's back-channel logout URL is not an absolute http(s) URL (nor a path on an http(s)"
                + " Root URL)"),
        FRONT_CHANNEL_LOGOUT("the client has front-channel logout on"),
        DISABLED("the client is disabled");

        private final String description;

        Miss(String description) {
            this.description = description;
        }

        public String describe() {
            return description;
        }
    }

    /** @param client the client as it is now; null when it was deleted */
    public static BackchannelTarget of(ClientModel client) {
        if (client == null) {
            return missed(Miss.CLIENT_GONE);
        }
        if (client.getProtocol() != null && !OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol())) {
            return missed(Miss.NOT_OPENID_CONNECT);
        }
        String configured = configuredUrl(client);
        if (configured == null) {
            return missed(Miss.NO_URL);
        }
        String url = resolved(configured, client.getRootUrl());
        if (!isAbsoluteHttp(url)) {
            return missed(Miss.NOT_HTTP_URL);
        }
        if (client.isFrontchannelLogout()) {
            return missed(Miss.FRONT_CHANNEL_LOGOUT);
        }
        if (!client.isEnabled()) {
            return missed(Miss.DISABLED);
        }
        return new BackchannelTarget(url, null);
    }

    public boolean told() {
        return miss == null;
    }

    /** The URL as the administrator typed it (trimmed), whether or not it can be used; null when there is none. */
    public static String configuredUrl(ClientModel client) {
        String url = OIDCAdvancedConfigWrapper.fromClientModel(client).getBackchannelLogoutUrl();
        return url == null || url.isBlank() ? null : url.trim();
    }

    /** A path is put on the client's Root URL, as Keycloak's {@code ResolveRelative} does; anything else is kept. */
    private static String resolved(String url, String rootUrl) {
        if (!url.startsWith("/") || rootUrl == null || !isAbsoluteHttp(rootUrl.trim())) {
            return url;
        }
        String root = rootUrl.trim();
        return (root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + url;
    }

    private static BackchannelTarget missed(Miss miss) {
        return new BackchannelTarget(null, miss);
    }

    /** The only URLs ever tried: absolute http and https, with a host. */
    private static boolean isAbsoluteHttp(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
