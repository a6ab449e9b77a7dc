package io.github.sessionguard.tier;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one table of the tier model: every setting of the {@code session-tier} executor, with the key administrators
 * type, its kind, its value in each tier's preset, which of two values is the stricter, and the label and help the
 * admin console's form shows. The presets, {@link TierPolicy#strictest}, the parser, the form, the effective-policy
 * answer and the documented tier tables (README, docs/configuration.md) all come from here; a new setting is one row
 * plus its enforcement.
 *
 * <p>The idle values are OWASP's guidance for session timeouts (15, 30 and 60 minutes); the absolute lifetimes stay
 * inside NIST SP 800-63B-4 (AAL3 12 h, AAL2 24 h, AAL1 30 days).
 */
public enum TierSetting {

    TIER("tier", Kind.TIER, Stricter.NONE, "Tier",
            "The preset the other settings override; required. high: 15 min idle, 12 h max (NIST AAL3)."
                    + " medium: 30 min idle, 24 h max (AAL2). low: 60 min idle, 30 days max (AAL1).",
            null, null, null),
    IDLE_TIMEOUT("idle-timeout", Kind.DURATION, Stricter.SHORTER, "Idle timeout",
            "Seconds after the client's last refresh (or login) at which its refresh token stops working and the"
                    + " expiry scan ends its part of the session.",
            900L, 1_800L, 3_600L),
    MAX_LIFESPAN("max-lifespan", Kind.DURATION, Stricter.SHORTER, "Max lifespan",
            "Seconds after the user's authentication (auth_time) past which no token of the client lives;"
                    + " refreshes stop there.",
            43_200L, 86_400L, 2_592_000L),
    ACCESS_TOKEN_LIFESPAN("access-token-lifespan", Kind.DURATION, Stricter.SHORTER, "Access token lifespan",
            "Longest lifetime of an access or ID token, in seconds. At most the idle timeout.",
            300L, 300L, 600L),
    REAUTH_MAX_AGE("reauth-max-age", Kind.DURATION, Stricter.SHORTER, "Re-authentication max age",
            "Seconds after the user's last authentication at which an authorization request shows the login form"
                    + " instead of silent SSO. Follows the max lifespan unless set.",
            43_200L, 86_400L, 2_592_000L),
    // NIST's inactivity limit asks for a new authentication, not only a new token: in high and medium the idle time
    // also ends SSO for the client; low, whose apps are the least sensitive, keeps SSO until reauth-max-age.
    REAUTH_AFTER_IDLE("reauth-after-idle", Kind.SWITCH, Stricter.ON, "Re-authenticate after idle",
            "An authorization request (or a device's verification) shows the login form instead of silent SSO"
                    + " once this client's own last use in the SSO session is older than the idle timeout,"
                    + " however active the user's other clients are. A client's first use in a session is not"
                    + " held to it.",
            true, true, false),
    REUSE_GRACE_PERIOD("reuse-grace-period", Kind.DURATION_OR_ZERO, Stricter.SHORTER, "Reuse grace period",
            "Seconds after a rotation in which the previous refresh token may be retried once; 0 allows no retry.",
            0L, 10L, 30L),
    ROTATE_REFRESH_TOKENS("rotate-refresh-tokens", Kind.SWITCH, Stricter.ON, "Rotate refresh tokens",
            "Each refresh token can be exchanged once.",
            true, true, true),
    REVOKE_SESSION_ON_REUSE("revoke-session-on-reuse", Kind.SWITCH, Stricter.ON, "Revoke session on reuse",
            "A reused refresh token ends the whole user session, and every client of it is told.",
            true, true, true),
    REVOCATION_ENDS_SESSION("revocation-ends-session", Kind.SWITCH, Stricter.ON, "Revocation ends session",
            "Revoking the client's refresh token (RFC 7009) ends the whole user session.",
            true, true, false),
    OFFLINE_ACCESS("offline-access", Kind.SWITCH, Stricter.OFF, "Offline access",
            "Whether the client may request offline_access.",
            false, false, true),
    END_SESSIONS_ON_CREDENTIAL_CHANGE("end-sessions-on-credential-change", Kind.SWITCH, Stricter.ON,
            "End sessions on credential change",
            "An administrator's password reset or disabling of the user ends the sessions the client takes part in"
                    + " (deleting the user always does).",
            true, true, true),
    // Every tier requires PKCE; high and medium refuse the token-leaking grants.
    REQUIRE_PKCE("require-pkce", Kind.SWITCH, Stricter.ON, "Require PKCE",
            "Authorization requests without a PKCE S256 challenge (or with 'plain') are refused (invalid_request).",
            true, true, true),
    REFUSE_LEGACY_GRANTS("refuse-legacy-grants", Kind.SWITCH, Stricter.ON, "Refuse legacy grants",
            "Implicit and hybrid responses that return tokens from the authorization endpoint, and the password"
                    + " grant, are refused (unauthorized_client, naming the tier).",
            true, true, false),
    // None requires DPoP: rotation with reuse revocation, which every tier has, is the other way OWASP ASVS 5.0
    // 10.4.5 accepts, and most mobile SDKs don't send DPoP yet.
    REQUIRE_DPOP("require-dpop", Kind.SWITCH, Stricter.ON, "Require DPoP",
            "A public client's tokens must be DPoP-bound (RFC 9449): token requests need a valid proof, refreshes"
                    + " a proof for the bound key.",
            false, false, false),
    // Low, whose sessions are long and whose apps are the least sensitive, mails no one.
    NOTIFY_USER("notify-user", Kind.SWITCH, Stricter.ON, "Notify user",
            "The user gets one email (through the realm's SMTP settings, to a verified address) when Session Guard"
                    + " ends their sessions for a reused refresh token, an admin password reset or a disabled"
                    + " account, and when a sign-in past max-sessions ended their oldest session.",
            true, true, false),
    // No tier limits sessions by its preset: how many devices a user may use at once is the product's decision.
    MAX_SESSIONS("max-sessions", Kind.COUNT, Stricter.FEWER, "Max sessions",
            "Live sessions one user may hold in the client at once, checked on every grant that creates or joins a"
                    + " session (code, device, CIBA, password, token exchange), on every node. Offline sessions are"
                    + " counted apart from online ones, each against this number. 0 sets no limit.",
            0L, 0L, 0L),
    SESSION_LIMIT_ACTION("session-limit-action", Kind.CHOICE, Stricter.FIRST_CHOICE, "Session limit action",
            "What a grant past max-sessions does. end-oldest: the user's oldest session in the client ends (every"
                    + " client of it is told, reason session_limit). refuse-new: the grant is refused (invalid_grant,"
                    + " naming the tier and the limit) and the sessions already live stay.",
            SessionLimitAction.ids(), SessionLimitAction.END_OLDEST.id(), SessionLimitAction.END_OLDEST.id(),
            SessionLimitAction.END_OLDEST.id());

    /** A switch left at this value (or empty) keeps the tier's preset; the admin console offers it first. */
    public static final String PRESET = "preset";

    /**
     * How a value is written: the tier's name; whole seconds, positive (or, for a grace period, zero too); a switch; a
     * whole number from 0, where 0 sets no limit; one of the setting's {@link #choices()}.
     */
    public enum Kind { TIER, DURATION, DURATION_OR_ZERO, SWITCH, COUNT, CHOICE }

    /** The largest count a setting takes: far above any sensible number of devices, and a typo is refused. */
    public static final long LARGEST_COUNT = 1_000;

    /** Which of two values honours both, when several policies put one client under a tier. */
    public enum Stricter {
        /** The tier itself: nothing to combine. */
        NONE,
        /** The shorter duration. */
        SHORTER,
        /** A switch that protects when on: on if either is on. */
        ON,
        /** A switch that opens something when on (offline access): on only if both are on. */
        OFF,
        /** A limit where 0 sets none: the smaller of two limits, and no limit only if neither sets one. */
        FEWER,
        /** A choice: the one listed first in {@link #choices()}, which are listed strictest first. */
        FIRST_CHOICE
    }

    private final String key;
    private final Kind kind;
    private final Stricter stricter;
    private final String label;
    private final String help;
    private final List<Object> presets;
    private final List<String> choices;

    TierSetting(String key, Kind kind, Stricter stricter, String label, String help, Object high, Object medium,
            Object low) {
        this(key, kind, stricter, label, help, List.of(), high, medium, low);
    }

    TierSetting(String key, Kind kind, Stricter stricter, String label, String help, List<String> choices,
            Object high, Object medium, Object low) {
        this.key = key;
        this.choices = choices;
        this.kind = kind;
        this.stricter = stricter;
        this.label = label;
        this.help = help;
        this.presets = kind == Kind.TIER ? List.of() : List.of(high, medium, low);
    }

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isDuration() {
        return kind == Kind.DURATION || kind == Kind.DURATION_OR_ZERO;
    }

    /** The form's label. */
    public String label() {
        return label;
    }

    /** The form's help, without what an empty value keeps (the form adds each tier's preset). */
    public String help() {
        return help;
    }

    /** The name of the value in JSON answers: {@code idle-timeout} is {@code idleTimeout}. */
    public String jsonName() {
        String[] words = key.split("-");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(words[i].substring(0, 1).toUpperCase(Locale.ROOT)).append(words[i].substring(1));
        }
        return name.toString();
    }

    /** The value in the tier's preset: a {@code Long} of seconds or a {@code Boolean}. */
    public Object preset(Tier tier) {
        if (kind == Kind.TIER) {
            throw new IllegalArgumentException("'tier' chooses the preset; it has no value of its own");
        }
        return presets.get(tier.ordinal());
    }

    /** The values a choice takes, strictest first; empty for every other kind. */
    public List<String> choices() {
        return choices;
    }

    /** The type of this setting's value in a {@link TierPolicy}. */
    Class<?> valueType() {
        return switch (kind) {
            case TIER -> throw new IllegalArgumentException("'tier' chooses the preset; it has no value of its own");
            case DURATION, DURATION_OR_ZERO, COUNT -> Long.class;
            case SWITCH -> Boolean.class;
            case CHOICE -> String.class;
        };
    }

    /** Of two values of this setting, the one that honours both. */
    Object stricter(Object a, Object b) {
        return switch (stricter) {
            case NONE -> throw new IllegalArgumentException("'tier' has no value to combine");
            case SHORTER -> Math.min((Long) a, (Long) b);
            case ON -> (Boolean) a || (Boolean) b;
            case OFF -> (Boolean) a && (Boolean) b;
            case FEWER -> (Long) a == 0 ? b : (Long) b == 0 ? a : (Object) Math.min((Long) a, (Long) b);
            case FIRST_CHOICE -> choices().indexOf(a) <= choices().indexOf(b) ? a : b;
        };
    }

    /** Every setting but the tier itself: the values a {@link TierPolicy} holds, in the table's order. */
    public static List<TierSetting> policyValues() {
        return POLICY_VALUES;
    }

    private static final List<TierSetting> POLICY_VALUES = Arrays.stream(values())
            .filter(setting -> setting.kind != Kind.TIER).toList();

    public static Optional<TierSetting> fromKey(String key) {
        return Arrays.stream(values()).filter(setting -> setting.key.equals(key)).findFirst();
    }
}
