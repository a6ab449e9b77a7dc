package io.github.sessionguard.logout;

/** Why Session Guard ended a session; recorded as the {@code reason} detail of the {@code LOGOUT} event. */
public enum EndReason {

    REFRESH_TOKEN_REUSED("refresh_token_reused"),
    TOKEN_REVOKED("token_revoked"),
    CREDENTIAL_CHANGED("credential_changed"),
    USER_DISABLED("user_disabled"),
    USER_DELETED("user_deleted"),
    REALM_SIGN_OUT("realm_sign_out"),
    TIER_IDLE_TIMEOUT("tier_idle_timeout"),
    TIER_MAX_LIFESPAN("tier_max_lifespan"),
    SESSION_EXPIRED("session_expired");

    /**
     * The session attribute through which whoever ends a session tells the back-channel logout why; the outbox
     * records it with each notification.
     */
    public static final String SESSION_ATTRIBUTE = "session-guard.end-reason";

    private final String detail;

    EndReason(String detail) {
        this.detail = detail;
    }

    public String detail() {
        return detail;
    }
}
