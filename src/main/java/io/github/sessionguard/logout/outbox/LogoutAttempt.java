package io.github.sessionguard.logout.outbox;

/**
 * One try of one notification, as recorded with its outcome: a value, never a managed entity. Times are Keycloak's
 * clock in epoch millis.
 *
 * @param number     the notification's count of tries after this one ({@code ATTEMPTS}; an admin's retry starts it
 *                   again at 1); a skip, which is no try, carries the number the try would have had
 * @param sentAt     when the logout token was posted (of a skip, when it was found that it would not be)
 * @param recordedAt when the outcome was recorded; of a delivered one, the notification's {@code deliveredAt}
 * @param httpStatus the relying party's answer; null when none came, or nothing was sent
 * @param error      the error text (printable, bounded), or of a skip why; null when delivered
 */
public record LogoutAttempt(int number, long sentAt, long recordedAt, AttemptOutcome outcome, Integer httpStatus,
        String error) {

    static LogoutAttempt of(LogoutAttemptEntity row) {
        return new LogoutAttempt(row.getNumber(), row.getSentAt(), row.getRecordedAt(),
                AttemptOutcome.valueOf(row.getOutcome()), row.getHttpStatus(), row.getError());
    }
}
