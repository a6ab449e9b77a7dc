package io.github.sessionguard.posture;

import java.util.ArrayList;
import java.util.List;
import org.keycloak.common.enums.SslRequired;
import org.keycloak.models.RealmModel;

/** The findings of the realm's own settings. Reads only. */
final class RealmRules {

    /** NIST SP 800-63B-4 AAL1: re-authenticate at least every 30 days; no session of any level lasts longer. */
    static final long AAL1_BOUND = 2_592_000;

    private RealmRules() {
    }

    /**
     * @param untiered    the clients outside every tier, which the realm's lifetimes govern alone
     * @param deadLetters logout notifications that failed for good and wait for an administrator
     */
    static List<Finding> findings(RealmModel realm, List<String> untiered, int deadLetters) {
        List<Finding> findings = new ArrayList<>();
        if (realm.getSslRequired() == SslRequired.NONE) {
            findings.add(FindingId.REALM_SSL_NOT_REQUIRED.finding("The realm's 'Require SSL' is none: tokens, codes"
                    + " and passwords may travel over plain HTTP"));
        }
        long idle = realm.getSsoSessionIdleTimeout();
        long max = realm.getSsoSessionMaxLifespan();
        if (!untiered.isEmpty() && (idle > AAL1_BOUND || max > AAL1_BOUND)) {
            findings.add(FindingId.SESSION_LIFETIMES_BEYOND_NIST.finding("SSO Session Idle (" + idle + " s) or Max ("
                    + max + " s) is beyond NIST SP 800-63B-4's AAL1 bound of " + AAL1_BOUND + " s (30 days), and "
                    + untiered.size() + " client(s) outside every tier follow it: " + String.join(", ", untiered)));
        }
        if (deadLetters > 0) {
            findings.add(FindingId.DEAD_LETTERS_PENDING.finding(deadLetters + " back-channel logout(s) failed for good"
                    + " and wait for an administrator: those relying parties still hold sessions that ended"));
        }
        return findings;
    }
}
