package io.github.sessionguard.posture;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Comparator;
import java.util.List;

/** One client's findings, worst first; {@code tier} is null for a client outside every tier. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ClientPosture(String clientId, String tier, List<Finding> findings) {

    static final Comparator<Finding> WORST_FIRST = Comparator.comparing(Finding::severityLevel)
            .thenComparing(Finding::id);

    /** Worst first: by its worst finding, then by how many findings of that severity, then by client id. */
    static final Comparator<ClientPosture> WORST_CLIENT_FIRST = Comparator
            .comparing(ClientPosture::worst)
            .thenComparing(posture -> -posture.count(posture.worst()))
            .thenComparing(ClientPosture::clientId);

    public ClientPosture {
        findings = findings.stream().sorted(WORST_FIRST).toList();
    }

    Severity worst() {
        return findings.stream().map(Finding::severityLevel).min(Comparator.naturalOrder()).orElse(Severity.INFO);
    }

    private long count(Severity severity) {
        return findings.stream().filter(finding -> finding.severityLevel() == severity).count();
    }
}
