package io.github.sessionguard.tier;

import java.util.Arrays;
import java.util.List;

/** What a grant past a tier's {@code max-sessions} does. Listed strictest first, as {@link TierSetting} combines them. */
public enum SessionLimitAction {

    /**
     * The grant is refused and the live sessions stay: a new sign-in, which may be a thief's with stolen credentials,
     * can't push out a session already in use. The stricter of the two: it lets nothing in past the limit and ends
     * nothing.
     */
    REFUSE_NEW("refuse-new"),
    /** The user's oldest session in the client ends, and its relying parties are told: the newest device wins. */
    END_OLDEST("end-oldest");

    private final String id;

    SessionLimitAction(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(SessionLimitAction::id).toList();
    }

    public static SessionLimitAction fromId(String id) {
        return Arrays.stream(values()).filter(action -> action.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown session limit action '" + id + "'"));
    }

    @Override
    public String toString() {
        return id;
    }
}
