package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.OutboxStore.Due;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of the rows this node holds get a delivery slot now: no more than the node's free slots, and, while other
 * clients have rows waiting, no client past its own share, so that a hanging relying party can't take every slot. A
 * client alone with rows waiting may use more than its share, up to its lone share: the rest stays free for a client
 * whose rows come due meanwhile, so that even a lone relying party that starts hanging can't hold up the next one for
 * its whole timeout.
 */
final class SlotChoice {

    private SlotChoice() {
    }

    /**
     * @param waiting   rows held and not yet sent, the longest held first
     * @param free      slots free on this node
     * @param inFlight  deliveries in flight per client on this node
     * @param perClient a client's share while others have rows waiting
     * @param loneShare a client's share while no other has
     * @return the ids to send, in the order of {@code waiting}
     */
    static List<String> choose(List<Due> waiting, int free, Map<String, Integer> inFlight, int perClient,
            int loneShare) {
        boolean lone = waiting.stream().map(Due::clientUuid).distinct().count() <= 1;
        int share = lone ? Math.max(perClient, loneShare) : perClient;
        Map<String, Integer> taken = new HashMap<>(inFlight);
        List<String> chosen = new ArrayList<>();
        for (Due row : waiting) {
            if (chosen.size() == free) {
                break;
            }
            int clientsShare = taken.getOrDefault(row.clientUuid(), 0);
            if (clientsShare < share) {
                chosen.add(row.id());
                taken.put(row.clientUuid(), clientsShare + 1);
            }
        }
        return chosen;
    }
}
