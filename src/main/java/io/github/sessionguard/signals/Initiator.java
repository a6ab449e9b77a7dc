package io.github.sessionguard.signals;

import io.github.sessionguard.logout.outbox.DeathReason;

/**
 * Who caused a death, in CAEP's words ({@code initiating_entity}): a receiver can tell a theft Session Guard stopped
 * (the policy) from an administrator's action, a user's own logout and a session that ran out (the system).
 */
public enum Initiator {

    USER("user"),
    ADMIN("admin"),
    POLICY("policy"),
    SYSTEM("system");

    private final String code;

    Initiator(String code) {
        this.code = code;
    }

    /** The value of {@code initiating_entity}. */
    public String code() {
        return code;
    }

    /**
     * Who caused a death for this reason. A {@link DeathReason#LOGOUT} is Keycloak's own ending: the user's, unless an
     * administrator's request ended the session, which only the request tells ({@link SharedSignals}).
     */
    public static Initiator of(DeathReason reason) {
        return switch (reason) {
            case LOGOUT, TOKEN_REVOKED -> USER;
            case CREDENTIAL_CHANGED, USER_DISABLED, USER_DELETED, REALM_SIGN_OUT -> ADMIN;
            case REFRESH_TOKEN_REUSED, TIER_IDLE_TIMEOUT, TIER_MAX_LIFESPAN, SESSION_LIMIT -> POLICY;
            case SESSION_EXPIRED -> SYSTEM;
        };
    }
}
