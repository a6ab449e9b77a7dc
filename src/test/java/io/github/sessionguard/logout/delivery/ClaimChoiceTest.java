package io.github.sessionguard.logout.delivery;

import static io.github.sessionguard.logout.delivery.SlotChoiceTest.rows;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.logout.outbox.OutboxStore.Due;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimChoiceTest {

    @Test
    void eachClientUpToWhatItMayHold() {
        List<Due> due = rows("x", 200, "y", 3);
        Map<String, Integer> held = new HashMap<>(Map.of("x", 100));

        List<String> chosen = ClaimChoice.choose(due, held, 128);

        assertThat(chosen.stream().filter(id -> id.startsWith("x"))).hasSize(28);
        assertThat(chosen).contains("y0", "y1", "y2");
        assertThat(held).containsEntry("x", 128).containsEntry("y", 3);
    }

    @Test
    void theLongestDueFirst() {
        assertThat(ClaimChoice.choose(rows("x", 10), new HashMap<>(), 3)).containsExactly("x0", "x1", "x2");
    }

    @Test
    void nothingForAClientThatHoldsEnough() {
        assertThat(ClaimChoice.choose(rows("x", 10), new HashMap<>(Map.of("x", 3)), 3)).isEmpty();
    }
}
