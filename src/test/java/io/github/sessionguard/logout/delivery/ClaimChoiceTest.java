package io.github.sessionguard.logout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.OutboxStore.Due;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimChoiceTest {

    @Test
    void aLoneClientMayUseMoreThanItsShareButNotTheNewcomersReserve() {
        List<Due> due = rows("x", 40);

        assertThat(ClaimChoice.choose(due, 32, Map.of("x", 0), 16, 24, false)).hasSize(24);
        assertThat(ClaimChoice.choose(due, 10, Map.of("x", 20), 16, 24, false)).hasSize(4);
    }

    @Test
    void aLoneClientKeepsToItsShareOnceAnotherHasRowsDue() {
        assertThat(ClaimChoice.choose(rows("x", 40), 32, Map.of("x", 10), 16, 24, true)).hasSize(6);
    }

    @Test
    void whileAnotherClientHasRowsDueEachKeepsToItsShare() {
        List<Due> due = new ArrayList<>(rows("x", 30));
        due.addAll(rows("y", 30));

        List<String> chosen = ClaimChoice.choose(due, 32, Map.of(), 16, 24, false);

        assertThat(chosen).hasSize(32);
        assertThat(chosen.stream().filter(id -> id.startsWith("x"))).hasSize(16);
        assertThat(chosen.stream().filter(id -> id.startsWith("y"))).hasSize(16);
    }

    /** A client at its share was left out of the candidates as busy: the other's rows are taken, within its share. */
    @Test
    void aBusyClientLeftOutCountsAsAnotherWaiting() {
        List<String> chosen = ClaimChoice.choose(rows("y", 30), 16, Map.of("x", 16), 16, 24, true);

        assertThat(chosen).hasSize(16).allMatch(id -> id.startsWith("y"));
    }

    @Test
    void whatIsInFlightCountsAgainstTheShare() {
        List<Due> due = new ArrayList<>(rows("x", 10));
        due.addAll(rows("y", 10));

        List<String> chosen = ClaimChoice.choose(due, 32, Map.of("x", 12), 16, 24, false);

        assertThat(chosen.stream().filter(id -> id.startsWith("x"))).hasSize(4);
        assertThat(chosen.stream().filter(id -> id.startsWith("y"))).hasSize(10);
    }

    @Test
    void noMoreThanTheFreeSlots() {
        assertThat(ClaimChoice.choose(rows("x", 10), 3, Map.of(), 16, 24, false)).containsExactly("x0", "x1", "x2");
        assertThat(ClaimChoice.choose(rows("x", 10), 0, Map.of(), 16, 24, false)).isEmpty();
    }

    private static List<Due> rows(String client, int count) {
        List<Due> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new Due(client + i, client));
        }
        return rows;
    }
}
