package io.github.sessionguard.signals;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.ssf.subject.IssuerSubjectId;
import org.keycloak.ssf.subject.SubjectId;
import org.keycloak.ssf.transmitter.SsfTransmitterProvider;
import org.keycloak.ssf.transmitter.delivery.SecurityEventTokenDispatcher;
import org.keycloak.ssf.transmitter.subject.SubjectSubscriptionFilter;

/**
 * Keycloak's dispatcher, built as its transmitter builds it, whose subject gate finds an {@code iss_sub} user by id.
 * Keycloak's own gate ({@code SubjectUserLookup}) first compares the subject's issuer with the current request's,
 * and the expiry scan, which finds most deaths of the clock, runs in no request: there it throws. The SETs handed to
 * it are Session Guard's, whose {@code iss_sub} subject is always a user of the realm.
 */
final class RequestlessDispatcher extends SecurityEventTokenDispatcher {

    RequestlessDispatcher(SsfTransmitterProvider transmitter) {
        super(transmitter.session(), transmitter.securityEventTokenEncoder(), transmitter.pushDeliveryService(),
                transmitter.getConfig(), transmitter.context().outboxStoreFactory(), transmitter.metrics(),
                transmitter.subjectInclusionResolver());
    }

    @Override
    protected SubjectSubscriptionFilter createSubjectSubscriptionFilter() {
        return new SubjectSubscriptionFilter(transmitterConfig.getSubjectRemovalGraceSeconds(),
                subjectInclusionResolver) {
            @Override
            protected UserModel lookupUserBySubject(KeycloakSession session, RealmModel realm,
                    SubjectId userSubject) {
                return userSubject instanceof IssuerSubjectId issuerSubject
                        ? session.users().getUserById(realm, issuerSubject.getSub())
                        : super.lookupUserBySubject(session, realm, userSubject);
            }
        };
    }
}
