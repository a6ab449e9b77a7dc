package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.OutboxStore.Due;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which due rows a node claims ahead of its free slots: per client, up to a fixed number held and not yet sent, so that
 * one claim feeds many deliveries (a claim per delivery cost the sender a quarter of its time, issue 20) while no
 * client's backlog fills the node's hands: a client whose rows are held up to its limit leaves room in the claim for
 * every other client's.
 */
final class ClaimChoice {

    private ClaimChoice() {
    }

    /**
     * @param due            candidates, the longest due first
     * @param held           rows held and not yet sent, per client; counts the chosen too when this returns
     * @param perClientAhead most rows held per client
     * @return the ids to claim, in the candidates' order
     */
    static List<String> choose(List<Due> due, Map<String, Integer> held, int perClientAhead) {
        List<String> chosen = new ArrayList<>();
        for (Due row : due) {
            int clientsRows = held.getOrDefault(row.clientUuid(), 0);
            if (clientsRows < perClientAhead) {
                chosen.add(row.id());
                held.put(row.clientUuid(), clientsRows + 1);
            }
        }
        return chosen;
    }
}
