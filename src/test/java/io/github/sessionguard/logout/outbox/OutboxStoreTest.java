package io.github.sessionguard.logout.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Problem 10: only printable text of a relying party's answer is stored (a NUL byte made PostgreSQL refuse it). */
class OutboxStoreTest {

    @Test
    void controlCharactersBecomeQuestionMarksAndTheTextFitsTheColumn() {
        assertThat(OutboxStore.printable("HTTP 500: a\u0000b\u0007c\nd é")).isEqualTo("HTTP 500: a?b?c?d é");
        assertThat(OutboxStore.printable("x".repeat(5000))).hasSize(OutboxStore.MAX_ERROR_LENGTH);
        assertThat(OutboxStore.printable("\uD83D\uDE00")).isEqualTo("?");
        assertThat(OutboxStore.printable(null)).isNull();
    }
}
