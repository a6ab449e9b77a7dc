package io.github.sessionguard.posture;

import java.util.List;

/**
 * One weakness of a realm or a client, as the report shows it.
 *
 * @param id         stable, see {@link FindingId}
 * @param severity   high, medium, low or info
 * @param references the standards it answers to ("OWASP M9", "ASVS 5.0 10.4.5", ...)
 * @param message    what is weak, naming the setting and its value
 * @param fix        what an administrator does about it
 */
public record Finding(String id, String severity, List<String> references, String message, String fix) {

    Severity severityLevel() {
        return Severity.valueOf(severity.toUpperCase(java.util.Locale.ROOT));
    }
}
