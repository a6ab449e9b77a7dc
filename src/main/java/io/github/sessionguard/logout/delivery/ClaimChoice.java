package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.OutboxStore.Due;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which due notifications a poll claims: no more than the node's free slots, and, while other clients have rows due,
 * no client past its own share, so that a hanging relying party can't take every slot. A client alone with due rows
 * may use more than its share, up to its lone share: the rest stays free for a client whose rows come due meanwhile,
 * so that even a lone relying party that starts hanging can't hold up the next one for its whole timeout. Claiming
 * only what will be sent means no row is claimed and handed back untried.
 */
final class ClaimChoice {

    private ClaimChoice() {
    }

    /**
     * @param due            candidates, the longest due first
     * @param free           slots free on this node
     * @param inFlight       deliveries in flight per client on this node
     * @param perClient      a client's share while others wait
     * @param loneShare      a client's share while no other has rows due
     * @param othersWaiting  whether clients other than the candidates' have rows due
     * @return the ids to claim, in the candidates' order
     */
    static List<String> choose(List<Due> due, int free, Map<String, Integer> inFlight, int perClient, int loneShare,
            boolean othersWaiting) {
        boolean lone = !othersWaiting && due.stream().map(Due::clientUuid).distinct().count() <= 1;
        int share = lone ? Math.max(perClient, loneShare) : perClient;
        Map<String, Integer> taken = new HashMap<>(inFlight);
        List<String> chosen = new ArrayList<>();
        for (Due row : due) {
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
