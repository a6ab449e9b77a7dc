package io.github.sessionguard.tier;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every configuration key of the {@code session-tier} executor, in the spelling administrators use. This is the one
 * place that names them; the executor's form, the parser and the admin REST view all read from here.
 */
public enum TierSetting {

    TIER("tier", Kind.TIER),
    IDLE_TIMEOUT("idle-timeout", Kind.DURATION),
    MAX_LIFESPAN("max-lifespan", Kind.DURATION),
    ACCESS_TOKEN_LIFESPAN("access-token-lifespan", Kind.DURATION),
    REAUTH_MAX_AGE("reauth-max-age", Kind.DURATION),
    REAUTH_AFTER_IDLE("reauth-after-idle", Kind.SWITCH),
    REUSE_GRACE_PERIOD("reuse-grace-period", Kind.DURATION),
    ROTATE_REFRESH_TOKENS("rotate-refresh-tokens", Kind.SWITCH),
    REVOKE_SESSION_ON_REUSE("revoke-session-on-reuse", Kind.SWITCH),
    REVOCATION_ENDS_SESSION("revocation-ends-session", Kind.SWITCH),
    OFFLINE_ACCESS("offline-access", Kind.SWITCH),
    END_SESSIONS_ON_CREDENTIAL_CHANGE("end-sessions-on-credential-change", Kind.SWITCH),
    REQUIRE_PKCE("require-pkce", Kind.SWITCH),
    REFUSE_LEGACY_GRANTS("refuse-legacy-grants", Kind.SWITCH),
    REQUIRE_DPOP("require-dpop", Kind.SWITCH),
    NOTIFY_USER("notify-user", Kind.SWITCH);

    /** A switch left at this value (or empty) keeps the tier's preset; the admin console offers it first. */
    public static final String PRESET = "preset";

    public enum Kind { TIER, DURATION, SWITCH }

    private final String key;
    private final Kind kind;

    TierSetting(String key, Kind kind) {
        this.key = key;
        this.kind = kind;
    }

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public static Optional<TierSetting> fromKey(String key) {
        return Arrays.stream(values()).filter(setting -> setting.key.equals(key)).findFirst();
    }
}
