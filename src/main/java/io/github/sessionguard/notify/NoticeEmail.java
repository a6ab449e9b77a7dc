package io.github.sessionguard.notify;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Renders and sends one notice, in a Keycloak session and transaction of its own, through Keycloak's email templates
 * (the realm's email theme first, then the templates this jar carries) and the realm's SMTP settings. The user is read
 * again: an address changed or unverified since the death gets nothing.
 */
final class NoticeEmail {

    static final String SUBJECT_KEY = "sessionGuardSessionEndedSubject";
    static final String TEMPLATE = "session-guard-session-ended.ftl";

    private static final Logger LOG = Logger.getLogger(NoticeEmail.class);

    private NoticeEmail() {
    }

    static void send(KeycloakSessionFactory factory, SessionEndedNotice notice) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> send(session, notice));
    }

    private static void send(KeycloakSession session, SessionEndedNotice notice) {
        RealmModel realm = session.realms().getRealm(notice.realmId());
        if (realm == null) {
            LOG.debugf("No user notice (%s): the realm is gone", notice.describe());
            return;
        }
        // The user store, the theme and the locale all read the realm from the context.
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, notice.userId());
        if (user == null) {
            LOG.debugf("No user notice (%s): the user is gone", notice.describe());
            return;
        }
        Optional<String> whyNot = Recipient.whyNot(realm.getSmtpConfig(), user.getEmail(), user.isEmailVerified());
        if (whyNot.isPresent()) {
            LOG.debugf("No user notice (%s): %s", notice.describe(), whyNot.get());
            return;
        }
        // The user's own locale: the request that caused the death was an administrator's or an attacker's.
        Locale locale = session.getContext().resolveLocale(user, true);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(Constants.IGNORE_ACCEPT_LANGUAGE_HEADER, Boolean.TRUE.toString());
        attributes.put("reason", notice.reason().key());
        attributes.put("endedAt", NoticeTime.format(notice.endedAt(), locale));
        attributes.put("applications", notice.applications());
        putIfPresent(attributes, "ipAddress", notice.origin().ipAddress());
        putIfPresent(attributes, "userAgent", notice.origin().userAgent());
        putIfPresent(attributes, "accountSecurityUrl", notice.accountSecurityUrl());
        String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName()
                : realm.getDisplayName();
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send(SUBJECT_KEY, List.of(realmName), TEMPLATE, attributes);
            LOG.debugf("User notice sent (%s)", notice.describe());
        } catch (EmailException e) {
            LOG.warnf(e, "User notice could not be sent (%s)", notice.describe());
        }
    }

    private static void putIfPresent(Map<String, Object> attributes, String name, String value) {
        if (value != null) {
            attributes.put(name, value);
        }
    }
}
