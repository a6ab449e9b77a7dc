package io.github.sessionguard.notify;

/**
 * The deaths a user is told about: those the user did not cause and should act on. Each names its message keys
 * ({@code sessionGuardReason_<key>}, {@code sessionGuardAdvice_<key>}) in the email's bundle.
 */
public enum NoticeReason {

    /** A refresh token was reused: it was copied, so the email names the request that reused it. */
    REFRESH_TOKEN_REUSED("refresh_token_reused", true),
    /** An administrator reset the password. */
    CREDENTIAL_CHANGED("credential_changed", false),
    /** An administrator disabled the account. */
    USER_DISABLED("user_disabled", false),
    /**
     * A sign-in past the tier's session limit ended the oldest session: the email names that sign-in's request, so the
     * user can tell their own new device from someone else's.
     */
    SESSION_LIMIT("session_limit", true);

    private final String key;
    private final boolean namesTheRequest;

    NoticeReason(String key, boolean namesTheRequest) {
        this.key = key;
        this.namesTheRequest = namesTheRequest;
    }

    /** The reason's part of the message keys, and the reason named in logs. */
    public String key() {
        return key;
    }

    /**
     * Whether the email gives the IP address and User-Agent of the request that caused the death: an attacker's for a
     * reuse; for an admin action, the administrator's, which is not the user's business.
     */
    boolean namesTheRequest() {
        return namesTheRequest;
    }
}
