package io.github.sessionguard.signals;

import java.util.regex.Pattern;
import org.keycloak.events.Event;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.ssf.event.token.SsfSecurityEventToken;
import org.keycloak.ssf.subject.ComplexSubjectId;
import org.keycloak.ssf.subject.OpaqueSubjectId;
import org.keycloak.ssf.transmitter.SsfTransmitterProvider;
import org.keycloak.ssf.transmitter.event.SsfTransmitterEventListener;
import org.keycloak.ssf.transmitter.stream.StreamConfig;

/**
 * Keycloak's SSF event listener, less what Session Guard signals itself: the {@code LOGOUT} events of its deaths
 * ({@link SharedSignals#SIGNALLED_BY}), and an administrator's sign-out of a user, whose sessions Session Guard
 * signals one by one. Everything else (a user's own logout, credential changes) Keycloak maps as before; a SET of
 * Keycloak's about one session gets the session's {@link SessionSignalIds jti}, so that its receipt lists it too.
 */
final class SignallingEventListener extends SsfTransmitterEventListener {

    /** The admin path Keycloak's mapper turns into one event for session "ALL". */
    private static final Pattern USER_SIGN_OUT = Pattern.compile("^users/[^/]+/logout$");

    SignallingEventListener(KeycloakSession session) {
        super(session);
    }

    @Override
    protected boolean shouldIgnoreEvent(Event event) {
        return super.shouldIgnoreEvent(event) || SharedSignals.signalled(event);
    }

    @Override
    protected void dispatchSecurityEventToken(SsfSecurityEventToken token, SsfTransmitterProvider transmitter,
            StreamConfig stream) {
        if (token.getSubjectId() instanceof ComplexSubjectId subject
                && subject.getSession() instanceof OpaqueSubjectId session && session.getId() != null) {
            token.setJti(SessionSignalIds.jtiFor(session.getId()));
        }
        super.dispatchSecurityEventToken(token, transmitter, stream);
    }

    @Override
    protected boolean shouldIgnoreEvent(AdminEvent adminEvent) {
        return super.shouldIgnoreEvent(adminEvent) || (adminEvent.getResourceType() == ResourceType.USER
                && adminEvent.getResourcePath() != null && USER_SIGN_OUT.matcher(adminEvent.getResourcePath()).matches());
    }
}
