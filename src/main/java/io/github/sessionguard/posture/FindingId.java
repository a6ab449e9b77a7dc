package io.github.sessionguard.posture;

import java.util.List;

/**
 * Every finding the posture report can raise: its stable id, its severity when nothing stops the weakness, the
 * standards it answers to, and how to fix it. The one place that declares them; the README's finding table lists the
 * same.
 */
public enum FindingId {

    PKCE_NOT_ENFORCED("pkce-not-enforced", Severity.HIGH,
            List.of("OWASP M9", "ASVS 5.0 10.4.6", "RFC 9700 2.1.1"),
            "Put the client in a tier (require-pkce is on in every preset), or set its 'Proof Key for Code Exchange"
                    + " Code Challenge Method' (pkce.code.challenge.method) to S256."),
    IMPLICIT_FLOW_ENABLED("implicit-flow-enabled", Severity.HIGH,
            List.of("OWASP M9", "ASVS 5.0 10.4.4", "RFC 9700 2.1.2"),
            "Switch 'Implicit flow' off and use the authorization code flow with PKCE."),
    PASSWORD_GRANT_ENABLED("password-grant-enabled", Severity.HIGH,
            List.of("OWASP M9", "ASVS 5.0 10.4.4", "RFC 9700 2.4"),
            "Switch 'Direct access grants' off and use the authorization code flow with PKCE."),
    WILDCARD_REDIRECT_URI("wildcard-redirect-uri", Severity.MEDIUM,
            List.of("OWASP M9", "ASVS 5.0 10.4.1", "RFC 9700 2.1"),
            "Register every redirect URI in full; Keycloak then compares them exactly."),
    REFRESH_TOKEN_NOT_ROTATED("refresh-token-not-rotated", Severity.HIGH,
            List.of("OWASP M9", "ASVS 5.0 10.4.5", "RFC 9700 2.2.2"),
            "Put the client in a tier (every preset rotates refresh tokens and ends the session on reuse), or bind"
                    + " its tokens with DPoP (require-dpop, or the client's 'OAuth 2.0 DPoP Bound Access Tokens')."),
    DPOP_NOT_REQUIRED("dpop-not-required", Severity.INFO,
            List.of("ASVS 5.0 10.4.5", "RFC 9449"),
            "Nothing is needed: rotation with reuse revocation is what ASVS 10.4.5 accepts for L1 and L2. Once the"
                    + " app sends DPoP proofs, set require-dpop to true to bind its tokens to the device's key."),
    FRONT_CHANNEL_LOGOUT_ON("front-channel-logout-on", Severity.MEDIUM,
            List.of("OWASP M9", "OpenID Connect Back-Channel Logout 1.0"),
            "Switch 'Front channel logout' off, so that Keycloak's back-channel logout reaches the client."),
    NO_BACKCHANNEL_LOGOUT_URL("no-backchannel-logout-url", Severity.MEDIUM,
            List.of("OWASP M9", "OpenID Connect Back-Channel Logout 1.0"),
            "Set the client's 'Backchannel logout URL', so that its backend hears of every ended session."),
    BACKCHANNEL_LOGOUT_URL_NOT_HTTP("backchannel-logout-url-not-http", Severity.MEDIUM,
            List.of("OWASP M9", "OpenID Connect Back-Channel Logout 1.0"),
            "Write the client's 'Backchannel logout URL' in full, with an http(s) scheme and a host"
                    + " (https://rp.example/logout); a path (/logout) needs the client's Root URL."),
    WEAK_SIGNATURE_ALGORITHM("weak-signature-algorithm", Severity.HIGH,
            List.of("OWASP M9", "ASVS 5.0 9.1.2", "RFC 8725 3.1"),
            "Clear the algorithm (the realm's default is RS256) or choose an asymmetric one (RS256, PS256, ES256)."),
    OFFLINE_ACCESS_ALLOWED("offline-access-allowed", Severity.MEDIUM,
            List.of("OWASP M9", "NIST SP 800-63B-4"),
            "Leave the tier's offline-access off, and make sure a policy puts the client in its tier for every grant."),
    SESSION_LONGER_THAN_TIER("session-longer-than-tier", Severity.LOW,
            List.of("OWASP M9", "NIST SP 800-63B-4"),
            "Align the realm's or the client's setting with the tier, or change the tier's value."),
    TIER_CONFIGURATION_UNREADABLE("tier-configuration-unreadable", Severity.HIGH,
            List.of("OWASP M9"),
            "Open the client profile named in the message and save its session-tier executor with this version's keys"
                    + " (Keycloak then validates it); until then the clients its policy selects get no tokens."),
    NO_TIER("no-tier", Severity.INFO,
            List.of("OWASP M9"),
            "Put the client in a tier: add the client scope session-tier-<tier> to it as a Default scope (the"
                    + " POST .../session-guard/tiers call creates the scopes), or select it with a client policy."),
    TIER_SCOPE_OPTIONAL("tier-scope-optional", Severity.MEDIUM,
            List.of("OWASP M9"),
            "On the client's Client scopes tab, remove the tier scope and add it again as Default: an optional"
                    + " scope is only in force when the app asks for it, and the tier's policy selects default"
                    + " scopes only."),
    REALM_SSL_NOT_REQUIRED("realm-ssl-not-required", Severity.HIGH,
            List.of("OWASP M9", "RFC 9700 4.1"),
            "Set the realm's 'Require SSL' to external requests or all requests."),
    SESSION_LIFETIMES_BEYOND_NIST("session-lifetimes-beyond-nist", Severity.MEDIUM,
            List.of("OWASP M9", "NIST SP 800-63B-4"),
            "Keep the realm's SSO Session Idle and Max within 30 days, or put every client in a tier."),
    DEAD_LETTERS_PENDING("dead-letters-pending", Severity.MEDIUM,
            List.of("OWASP M9", "OpenID Connect Back-Channel Logout 1.0"),
            "Look at GET .../session-guard/deliveries?status=failed, fix the relying party, and retry each one.");

    private final String id;
    private final Severity severity;
    private final List<String> references;
    private final String fix;

    FindingId(String id, Severity severity, List<String> references, String fix) {
        this.id = id;
        this.severity = severity;
        this.references = references;
        this.fix = fix;
    }

    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    public List<String> references() {
        return references;
    }

    public String fix() {
        return fix;
    }

    /** A weakness nothing stops. */
    Finding finding(String message) {
        return new Finding(id, severity.id(), references, message, fix);
    }

    /** A weakness the client's tier allows by choice: one step less. */
    Finding allowedByTier(String message) {
        return new Finding(id, severity.lowered().id(), references, message, fix);
    }

    /** A setting whose weakness the client's tier refuses at every request: a leftover, for information. */
    Finding refusedByTier(String message) {
        return new Finding(id, Severity.INFO.id(), references, message, fix);
    }
}
