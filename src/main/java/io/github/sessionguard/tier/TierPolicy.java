package io.github.sessionguard.tier;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The values that govern one client's sessions and how its tokens are obtained: a tier's preset with the
 * administrator's overrides applied, one value per {@link TierSetting} (durations in whole seconds). It is built from
 * the table's rows by name, never by position, so that no value can land in another's place.
 */
public final class TierPolicy {

    private final Map<TierSetting, Object> values;

    private TierPolicy(Map<TierSetting, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** The tier's preset, as the table gives it. */
    public static TierPolicy preset(Tier tier) {
        Map<TierSetting, Object> values = new EnumMap<>(TierSetting.class);
        TierSetting.policyValues().forEach(setting -> values.put(setting, setting.preset(tier)));
        return new TierPolicy(values);
    }

    /**
     * This policy with one value replaced: a {@code Long} of seconds for a duration or of a count, a {@code Boolean}
     * for a switch, the {@code String} of a choice.
     */
    public TierPolicy with(TierSetting setting, Object value) {
        Class<?> type = setting.kind() == TierSetting.Kind.TIER ? Void.class : setting.valueType();
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(setting.key() + " takes a " + type.getSimpleName() + ", not " + value);
        }
        Map<TierSetting, Object> changed = new EnumMap<>(values);
        changed.put(setting, value);
        return new TierPolicy(changed);
    }

    /** The value of one setting: a {@code Long} (seconds, or a count), a {@code Boolean} or a choice's {@code String}. */
    public Object value(TierSetting setting) {
        return values.get(setting);
    }

    /**
     * The policy that honours both: each setting's stricter value, by the table's rule. Used when more than one client
     * policy puts a client under a tier, because every matching executor enforces its own limits and the strictest
     * one is what the client experiences.
     */
    public TierPolicy strictest(TierPolicy other) {
        Map<TierSetting, Object> combined = new EnumMap<>(TierSetting.class);
        TierSetting.policyValues().forEach(setting -> combined.put(setting,
                setting.stricter(values.get(setting), other.values.get(setting))));
        return new TierPolicy(combined);
    }

    public long idleTimeout() {
        return seconds(TierSetting.IDLE_TIMEOUT);
    }

    public long maxLifespan() {
        return seconds(TierSetting.MAX_LIFESPAN);
    }

    public long accessTokenLifespan() {
        return seconds(TierSetting.ACCESS_TOKEN_LIFESPAN);
    }

    public long reauthMaxAge() {
        return seconds(TierSetting.REAUTH_MAX_AGE);
    }

    /**
     * SSO hands the session to the client only while the client's own last use in it is within {@code idleTimeout};
     * past it, the user signs in again.
     */
    public boolean reauthAfterIdle() {
        return on(TierSetting.REAUTH_AFTER_IDLE);
    }

    public long reuseGracePeriod() {
        return seconds(TierSetting.REUSE_GRACE_PERIOD);
    }

    public boolean rotateRefreshTokens() {
        return on(TierSetting.ROTATE_REFRESH_TOKENS);
    }

    public boolean revokeSessionOnReuse() {
        return on(TierSetting.REVOKE_SESSION_ON_REUSE);
    }

    public boolean revocationEndsSession() {
        return on(TierSetting.REVOCATION_ENDS_SESSION);
    }

    public boolean offlineAccess() {
        return on(TierSetting.OFFLINE_ACCESS);
    }

    public boolean endSessionsOnCredentialChange() {
        return on(TierSetting.END_SESSIONS_ON_CREDENTIAL_CHANGE);
    }

    /** Authorization requests must carry a PKCE S256 challenge. */
    public boolean requirePkce() {
        return on(TierSetting.REQUIRE_PKCE);
    }

    /** Implicit and hybrid responses with tokens, and the password grant, are refused. */
    public boolean refuseLegacyGrants() {
        return on(TierSetting.REFUSE_LEGACY_GRANTS);
    }

    /** A public client's tokens must be DPoP-bound (RFC 9449). */
    public boolean requireDpop() {
        return on(TierSetting.REQUIRE_DPOP);
    }

    /** The user is emailed when Session Guard ends their sessions for a reuse, a password reset or a disabled
     * account. */
    public boolean notifyUser() {
        return on(TierSetting.NOTIFY_USER);
    }

    /** Live sessions one user may hold in the client at once (online and offline each); 0 sets no limit. */
    public long maxSessions() {
        return (Long) values.get(TierSetting.MAX_SESSIONS);
    }

    public boolean limitsSessions() {
        return maxSessions() > 0;
    }

    /** What a grant past {@link #maxSessions()} does. */
    public SessionLimitAction sessionLimitAction() {
        return SessionLimitAction.fromId((String) values.get(TierSetting.SESSION_LIMIT_ACTION));
    }

    private long seconds(TierSetting setting) {
        return (Long) values.get(setting);
    }

    private boolean on(TierSetting setting) {
        return (Boolean) values.get(setting);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TierPolicy policy && values.equals(policy.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.entrySet().stream().map(entry -> entry.getKey().key() + "=" + entry.getValue())
                .collect(Collectors.joining(", ", "TierPolicy[", "]"));
    }
}
