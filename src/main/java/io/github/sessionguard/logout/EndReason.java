package io.github.sessionguard.logout;

/** Why Session Guard ended a session; recorded as the {@code reason} detail of the {@code LOGOUT} event. */
public enum EndReason {

    REFRESH_TOKEN_REUSED("refresh_token_reused");

    private final String detail;

    EndReason(String detail) {
        this.detail = detail;
    }

    public String detail() {
        return detail;
    }
}
