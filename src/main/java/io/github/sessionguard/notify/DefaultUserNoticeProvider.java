package io.github.sessionguard.notify;

import io.github.sessionguard.tier.ClientTierResolver;
import io.github.sessionguard.tier.TierPolicy;
import jakarta.enterprise.context.ContextNotActiveException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;
import org.keycloak.urls.UrlType;

/**
 * Collects the notices of one Keycloak session (Keycloak hands out one provider per session): every death the funnel
 * reports for the same user and reason joins one email, whose applications add up. Whatever the request knows and the
 * background send can't learn (when, the request's origin, the account console's address) is captured here. Once the
 * session's transaction commits, the emails go to the {@link NoticeMailer}; if it rolls back, nothing died, and
 * nothing is sent.
 */
final class DefaultUserNoticeProvider implements UserNoticeProvider {

    private static final Logger LOG = Logger.getLogger(DefaultUserNoticeProvider.class);
    /** The account console's (keycloak.v3) page that lists the user's signed-in devices and lets them sign out. */
    private static final String DEVICE_ACTIVITY_PAGE = "account-security/device-activity";

    private final KeycloakSession session;
    private final NoticeMailer mailer;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    DefaultUserNoticeProvider(KeycloakSession session, NoticeMailer mailer) {
        this.session = session;
        this.mailer = mailer;
    }

    @Override
    public void sessionsEnded(RealmModel realm, UserModel user, NoticeReason reason,
            Collection<ClientModel> applications) {
        if (mailer == null) {
            return;
        }
        String key = realm.getId() + " " + user.getId() + " " + reason;
        Pending notice = pending.get(key);
        if (notice == null) {
            Optional<String> whyNot = Recipient.whyNot(realm.getSmtpConfig(), user.getEmail(),
                    user.isEmailVerified());
            if (whyNot.isPresent()) {
                LOG.debugf("No notice to user %s of realm %s for %s: %s", user.getUsername(), realm.getName(),
                        reason.key(), whyNot.get());
                return;
            }
            notice = new Pending(realm, user, reason, Instant.now(),
                    reason.namesTheRequest() ? RequestOrigin.of(session) : RequestOrigin.UNKNOWN,
                    accountSecurityUrl(realm));
            if (pending.isEmpty()) {
                session.getTransactionManager().enlistAfterCompletion(new SendAfterCommit());
            }
            pending.put(key, notice);
        }
        ClientTierResolver tiers = new ClientTierResolver(session);
        for (ClientModel client : applications) {
            notice.applications.add(ApplicationName.of(client.getName(), client.getClientId()));
            notice.asked |= tiers.resolve(realm, client).policyFailingClosed().map(TierPolicy::notifyUser)
                    .orElse(false);
        }
    }

    /** Null when the request has no base URL to build it from: the email then gives the advice without the link. */
    private String accountSecurityUrl(RealmModel realm) {
        try {
            URI base = session.getContext().getUri(UrlType.FRONTEND).getBaseUri();
            return Urls.accountBase(base).path(DEVICE_ACTIVITY_PAGE).build(realm.getName()).toString();
        } catch (ContextNotActiveException e) {
            return null;
        }
    }

    @Override
    public void close() {
    }

    /** Runs after the death's transaction: never throws, since the death has happened whatever the email does. */
    private final class SendAfterCommit extends AbstractKeycloakTransaction {

        @Override
        protected void commitImpl() {
            for (Pending notice : pending.values()) {
                if (notice.asked) {
                    mailer.submit(notice.toNotice());
                } else {
                    LOG.debugf("No notice to user %s of realm %s for %s: no tier of %s asks for one",
                            notice.username, notice.realmName, notice.reason.key(), notice.applications);
                }
            }
            pending.clear();
        }

        @Override
        protected void rollbackImpl() {
            pending.clear();
        }
    }

    /** A notice being collected: its applications grow as the funnel reports more of the user's sessions. */
    private static final class Pending {

        private final String realmId;
        private final String realmName;
        private final String userId;
        private final String username;
        private final NoticeReason reason;
        private final Instant endedAt;
        private final RequestOrigin origin;
        private final String accountSecurityUrl;
        private final Set<String> applications = new LinkedHashSet<>();
        private boolean asked;

        Pending(RealmModel realm, UserModel user, NoticeReason reason, Instant endedAt, RequestOrigin origin,
                String accountSecurityUrl) {
            this.realmId = realm.getId();
            this.realmName = realm.getName();
            this.userId = user.getId();
            this.username = user.getUsername();
            this.reason = reason;
            this.endedAt = endedAt;
            this.origin = origin;
            this.accountSecurityUrl = accountSecurityUrl;
        }

        SessionEndedNotice toNotice() {
            return new SessionEndedNotice(realmId, realmName, userId, username, reason, endedAt,
                    List.copyOf(new ArrayList<>(applications)), origin, accountSecurityUrl);
        }
    }
}
