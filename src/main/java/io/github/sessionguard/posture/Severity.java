package io.github.sessionguard.posture;

import java.util.Locale;

/** How bad a finding is, worst first; the report's summary counts findings by it. */
public enum Severity {

    HIGH, MEDIUM, LOW, INFO;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * One step less: what a weakness weighs when the client's tier allows it by choice (the low preset, or an
     * override), since the administrator decided it for that tier rather than leaving it by default.
     */
    Severity lowered() {
        return this == INFO ? INFO : values()[ordinal() + 1];
    }
}
