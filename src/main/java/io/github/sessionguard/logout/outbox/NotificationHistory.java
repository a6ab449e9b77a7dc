package io.github.sessionguard.logout.outbox;

import java.util.List;

/** A notification and every try of it the outbox recorded, oldest first: what a session's receipt is made of. */
public record NotificationHistory(Notification notification, List<LogoutAttempt> attempts) {
}
