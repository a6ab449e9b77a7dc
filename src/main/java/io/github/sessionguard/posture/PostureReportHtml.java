package io.github.sessionguard.posture;

import java.util.List;

/**
 * The posture report as a page an administrator reads in a browser: the summary, the realm's findings, then each
 * client, worst first, every finding with its references and its fix. Self-contained (no script, inline style).
 */
public final class PostureReportHtml {

    private PostureReportHtml() {
    }

    public static String render(PostureReport report) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Session Guard posture: ")
                .append(escape(report.realm())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:70em}")
                .append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4em;")
                .append("text-align:left;vertical-align:top}.high{color:#b00020}.medium{color:#b35c00}")
                .append(".low{color:#555}.info{color:#1a5fb4}</style></head><body>\n")
                .append("<h1>M9 posture of realm ").append(escape(report.realm())).append("</h1>\n<p>Generated ")
                .append(escape(report.generatedAt())).append("</p>\n");
        PostureReport.Summary summary = report.summary();
        html.append("<p id=\"summary\">").append(count("high", summary.high())).append(", ")
                .append(count("medium", summary.medium())).append(", ").append(count("low", summary.low()))
                .append(", ").append(count("info", summary.info())).append("</p>\n");
        html.append("<h2>Realm</h2>\n");
        findings(html, report.realmFindings());
        for (ClientPosture client : report.clients()) {
            html.append("<h2 id=\"client-").append(escape(client.clientId())).append("\">Client ")
                    .append(escape(client.clientId())).append(" <small>(")
                    .append(client.tier() == null ? "no tier" : "tier " + escape(client.tier()))
                    .append(")</small></h2>\n");
            findings(html, client.findings());
        }
        return html.append("</body></html>\n").toString();
    }

    private static void findings(StringBuilder html, List<Finding> findings) {
        if (findings.isEmpty()) {
            html.append("<p>No findings.</p>\n");
            return;
        }
        html.append("<table><tr><th>Severity</th><th>Finding</th><th>What is weak</th><th>Fix</th>")
                .append("<th>References</th></tr>\n");
        for (Finding finding : findings) {
            html.append("<tr class=\"finding\" data-id=\"").append(escape(finding.id())).append("\"><td class=\"")
                    .append(escape(finding.severity())).append("\">").append(escape(finding.severity()))
                    .append("</td><td><code>").append(escape(finding.id())).append("</code></td><td>")
                    .append(escape(finding.message())).append("</td><td>").append(escape(finding.fix()))
                    .append("</td><td>").append(escape(String.join("; ", finding.references())))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String count(String severity, long count) {
        return "<span class=\"" + severity + "\">" + count + " " + severity + "</span>";
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
