package io.github.sessionguard.tier;

import jakarta.ws.rs.core.Response;
import org.keycloak.OAuthErrorException;

/**
 * A request that a tier refuses, as the OAuth error the client receives. It is decided by whichever step of the
 * request finds it (caps, rotation) and answered in one place, the token post-processor.
 */
public final class TierRefusal extends Exception {

    private final String error;
    private final Response.Status status;

    private TierRefusal(String error, String description, Response.Status status) {
        super(description);
        this.error = error;
        this.status = status;
    }

    public static TierRefusal invalidGrant(String description) {
        return new TierRefusal(OAuthErrorException.INVALID_GRANT, description, Response.Status.BAD_REQUEST);
    }

    /** A request the tier refuses with another OAuth error of the token endpoint's (400). */
    public static TierRefusal of(String error, String description) {
        return new TierRefusal(error, description, Response.Status.BAD_REQUEST);
    }

    /** The tier can't be decided safely right now (its state can't be read): a server error, never a refusal. */
    public static TierRefusal unavailable(String description) {
        return new TierRefusal(OAuthErrorException.TEMPORARILY_UNAVAILABLE, description,
                Response.Status.SERVICE_UNAVAILABLE);
    }

    /** A configuration that applies to the client can't be read: a server error that names the profile. */
    public static TierRefusal unreadable(UnreadableTierException unreadable) {
        return new TierRefusal(unreadable.getError(), unreadable.getErrorDescription(),
                Response.Status.INTERNAL_SERVER_ERROR);
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    public Response.Status status() {
        return status;
    }
}
