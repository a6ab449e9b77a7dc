package io.github.sessionguard.tier;

import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;
import org.keycloak.services.ErrorResponseException;

/**
 * The tier of a client can't be known, because a configuration its policies apply can't be read: the request of that
 * client fails closed, with an OAuth {@code server_error} naming the profile, wherever in the request the tier is
 * first asked for (a token, a login, a participant record). Clients the configuration doesn't select never meet it.
 */
public final class UnreadableTierException extends ErrorResponseException {

    private final transient UnreadableTier unreadable;

    UnreadableTierException(UnreadableTier unreadable) {
        super(OAuthErrorException.SERVER_ERROR, unreadable.describe()
                + "; the client gets no tokens until an administrator fixes the profile",
                Response.Status.INTERNAL_SERVER_ERROR);
        this.unreadable = unreadable;
    }

    public UnreadableTier unreadable() {
        return unreadable;
    }

    @Override
    public String getMessage() {
        return getErrorDescription();
    }
}
