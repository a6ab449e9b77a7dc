package io.github.sessionguard.logout.outbox;

/**
 * Where a notification stands: waiting (or being retried), delivered, given up on (dead letter), or skipped because
 * its client was no longer to be told when it came to be sent (no usable URL, disabled, deleted). The outbox's
 * {@code STATUS} column stores the constant's name.
 */
public enum NotificationStatus {
    PENDING, DELIVERED, FAILED, SKIPPED
}
