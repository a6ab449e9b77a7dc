package io.github.sessionguard.logout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.OutboxStore.Due;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlotChoiceTest {

    @Test
    void aLoneClientMayUseMoreThanItsShareButNotTheNewcomersReserve() {
        List<Due> waiting = rows("x", 40);

        assertThat(SlotChoice.choose(waiting, 32, Map.of("x", 0), 16, 24)).hasSize(24);
        assertThat(SlotChoice.choose(waiting, 10, Map.of("x", 20), 16, 24)).hasSize(4);
    }

    @Test
    void aLoneClientKeepsToItsShareOnceAnotherHasRowsWaiting() {
        List<Due> waiting = rows("x", 40, "y", 1);

        List<String> chosen = SlotChoice.choose(waiting, 32, Map.of("x", 10), 16, 24);

        assertThat(chosen.stream().filter(id -> id.startsWith("x"))).hasSize(6);
        assertThat(chosen).contains("y0");
    }

    @Test
    void whileAnotherClientHasRowsWaitingEachKeepsToItsShare() {
        List<Due> waiting = rows("x", 30, "y", 30);

        List<String> chosen = SlotChoice.choose(waiting, 32, Map.of(), 16, 24);

        assertThat(chosen).hasSize(32);
        assertThat(chosen.stream().filter(id -> id.startsWith("x"))).hasSize(16);
        assertThat(chosen.stream().filter(id -> id.startsWith("y"))).hasSize(16);
    }

    /** A hanging client at its share, its rows first in line: the other client's rows still get the free slots. */
    @Test
    void aClientAtItsShareDoesNotHoldUpTheRowsBehindIt() {
        List<Due> waiting = rows("x", 100, "y", 5);

        List<String> chosen = SlotChoice.choose(waiting, 16, Map.of("x", 16), 16, 24);

        assertThat(chosen).containsExactly("y0", "y1", "y2", "y3", "y4");
    }

    @Test
    void whatIsInFlightCountsAgainstTheShare() {
        List<Due> waiting = rows("x", 10, "y", 10);

        List<String> chosen = SlotChoice.choose(waiting, 32, Map.of("x", 12), 16, 24);

        assertThat(chosen.stream().filter(id -> id.startsWith("x"))).hasSize(4);
        assertThat(chosen.stream().filter(id -> id.startsWith("y"))).hasSize(10);
    }

    @Test
    void noMoreThanTheFreeSlots() {
        assertThat(SlotChoice.choose(rows("x", 10), 3, Map.of(), 16, 24)).containsExactly("x0", "x1", "x2");
        assertThat(SlotChoice.choose(rows("x", 10), 0, Map.of(), 16, 24)).isEmpty();
    }

    /** One client's rows, then another's. */
    static List<Due> rows(String first, int firstCount, String second, int secondCount) {
        List<Due> rows = new ArrayList<>(rows(first, firstCount));
        rows.addAll(rows(second, secondCount));
        return rows;
    }

    static List<Due> rows(String client, int count) {
        List<Due> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new Due(client + i, client));
        }
        return rows;
    }
}
