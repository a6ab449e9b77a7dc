package io.github.sessionguard.logout.outbox;

import java.util.Arrays;

/**
 * Why a session (or one client's part of it) died. It travels as this type from the death to the outbox row, and is
 * recorded as the {@code reason} detail of the {@code LOGOUT} event and of the notification.
 */
public enum DeathReason {

    /** Keycloak ended the session itself: RP-initiated logout, admin or account-console sign-out. */
    LOGOUT("logout"),
    REFRESH_TOKEN_REUSED("refresh_token_reused"),
    TOKEN_REVOKED("token_revoked"),
    CREDENTIAL_CHANGED("credential_changed"),
    USER_DISABLED("user_disabled"),
    USER_DELETED("user_deleted"),
    REALM_SIGN_OUT("realm_sign_out"),
    TIER_IDLE_TIMEOUT("tier_idle_timeout"),
    TIER_MAX_LIFESPAN("tier_max_lifespan"),
    /** A sign-in past the tier's max-sessions ended the user's oldest session in the client. */
    SESSION_LIMIT("session_limit"),
    SESSION_EXPIRED("session_expired");

    private final String detail;

    DeathReason(String detail) {
        this.detail = detail;
    }

    public String detail() {
        return detail;
    }

    /** The reason a stored detail names. */
    public static DeathReason ofDetail(String detail) {
        return Arrays.stream(values()).filter(reason -> reason.detail.equals(detail)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown death reason '" + detail + "'"));
    }
}
