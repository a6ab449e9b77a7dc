package io.github.sessionguard.posture;

import java.util.List;
import java.util.stream.Stream;

/**
 * The M9 posture report of one realm: every weakness of its settings and its clients, worst first, with a count by
 * severity. Answered by {@code GET /admin/realms/{realm}/session-guard/report}.
 */
public record PostureReport(String realm, String generatedAt, Summary summary, List<Finding> realmFindings,
        List<ClientPosture> clients) {

    /** Findings by severity, realm and clients together. */
    public record Summary(long high, long medium, long low, long info) {
    }

    static PostureReport of(String realm, String generatedAt, List<Finding> realmFindings,
            List<ClientPosture> clients) {
        List<Finding> sortedRealm = realmFindings.stream().sorted(ClientPosture.WORST_FIRST).toList();
        List<ClientPosture> sortedClients = clients.stream().sorted(ClientPosture.WORST_CLIENT_FIRST).toList();
        List<Finding> all = Stream.concat(sortedRealm.stream(),
                sortedClients.stream().flatMap(client -> client.findings().stream())).toList();
        return new PostureReport(realm, generatedAt, new Summary(count(all, Severity.HIGH), count(all, Severity.MEDIUM),
                count(all, Severity.LOW), count(all, Severity.INFO)), sortedRealm, sortedClients);
    }

    private static long count(List<Finding> findings, Severity severity) {
        return findings.stream().filter(finding -> finding.severityLevel() == severity).count();
    }
}
