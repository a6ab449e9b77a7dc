package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.OutboxStore.Due;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows a node has claimed ahead and not yet sent, the longest held first, each with the end of its claim. Only the
 * poller's thread touches it.
 */
final class ClaimedRows {

    /** A claimed row and when its claim runs out. */
    record Claimed(Notification notification, long leaseUntil) {
    }

    private final Map<String, Claimed> held = new LinkedHashMap<>();

    void add(List<Notification> claimed, long leaseUntil) {
        claimed.forEach(notification -> held.put(notification.id(), new Claimed(notification, leaseUntil)));
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    Map<String, Integer> countByClient() {
        Map<String, Integer> counts = new HashMap<>();
        held.values().forEach(row -> counts.merge(row.notification().clientUuid(), 1, Integer::sum));
        return counts;
    }

    /** What a {@link SlotChoice} weighs. */
    List<Due> inOrder() {
        return held.values().stream()
                .map(row -> new Due(row.notification().id(), row.notification().clientUuid())).toList();
    }

    /** Removes and returns the rows of the given ids, in the order given. */
    List<Claimed> take(List<String> ids) {
        List<Claimed> taken = new ArrayList<>(ids.size());
        ids.forEach(id -> taken.add(held.remove(id)));
        return taken;
    }

    /**
     * Removes and returns the rows whose claim would run out before a try that starts at {@code now} could end: sent,
     * another node might send them too.
     */
    List<Notification> takeExpiring(long now, long longestTryMillis) {
        List<Notification> expiring = new ArrayList<>();
        for (Iterator<Claimed> rows = held.values().iterator(); rows.hasNext(); ) {
            Claimed row = rows.next();
            if (now + longestTryMillis >= row.leaseUntil()) {
                expiring.add(row.notification());
                rows.remove();
            }
        }
        return expiring;
    }

    List<Notification> takeAll() {
        List<Notification> all = held.values().stream().map(Claimed::notification).toList();
        held.clear();
        return all;
    }
}
