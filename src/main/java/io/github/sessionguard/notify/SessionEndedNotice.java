package io.github.sessionguard.notify;

import java.time.Instant;
import java.util.List;

/**
 * One email to send: everything the request knew that the background send can't learn again. Ids, not models, since
 * it outlives the request's session.
 *
 * @param applications       the names of the applications whose sessions ended, as the user knows them
 * @param origin             the request that caused the death, {@link RequestOrigin#UNKNOWN} unless the reason
 *                           names it
 * @param accountSecurityUrl the realm's account console page that lists the user's sessions; null if the request gave
 *                           no base URL
 */
record SessionEndedNotice(String realmId, String realmName, String userId, String username, NoticeReason reason,
        Instant endedAt, List<String> applications, RequestOrigin origin, String accountSecurityUrl) {

    /** For logs: realm, user and reason, as every message about a notice names them. */
    String describe() {
        return "realm " + realmName + ", user " + username + ", reason " + reason.key();
    }
}
