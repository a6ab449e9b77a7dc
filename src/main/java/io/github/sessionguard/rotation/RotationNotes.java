package io.github.sessionguard.rotation;

import org.keycloak.models.AuthenticatedClientSessionModel;

/**
 * The last rotation of a client session's refresh-token family, kept in client-session notes so every node of a
 * cluster sees it: which token was exchanged, which one replaced it, and when. The grace window reads it.
 */
record RotationNotes(String exchangedTokenId, String issuedTokenId, long rotatedAt) {

    private static final String EXCHANGED = "session-guard.rotation.exchanged";
    private static final String ISSUED = "session-guard.rotation.issued";
    private static final String ROTATED_AT = "session-guard.rotation.at";

    static RotationNotes read(AuthenticatedClientSessionModel clientSession) {
        String rotatedAt = clientSession.getNote(ROTATED_AT);
        return new RotationNotes(clientSession.getNote(EXCHANGED), clientSession.getNote(ISSUED),
                rotatedAt == null ? 0 : Long.parseLong(rotatedAt));
    }

    void write(AuthenticatedClientSessionModel clientSession) {
        clientSession.setNote(EXCHANGED, exchangedTokenId);
        if (issuedTokenId != null) {
            clientSession.setNote(ISSUED, issuedTokenId);
        } else {
            clientSession.removeNote(ISSUED);
        }
        clientSession.setNote(ROTATED_AT, String.valueOf(rotatedAt));
    }

    /** A retry of the token exchanged last, soon enough after that exchange: a client that lost the response. */
    boolean allowsRetryOf(String tokenId, long now, long gracePeriod) {
        return gracePeriod > 0 && tokenId.equals(exchangedTokenId) && now - rotatedAt <= gracePeriod;
    }
}
