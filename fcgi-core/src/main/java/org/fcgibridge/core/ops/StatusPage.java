package org.fcgibridge.core.ops;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The status page in its three forms: plain text for people, JSON for scripts, OpenMetrics 1.0 for Prometheus. Each
 * lists the same figures, and with {@code full} one entry per request in flight.
 */
final class StatusPage {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String PREFIX = "fcgi_";

    /** A request in flight as the page shows it. */
    record InFlight(String method, String uri, long elapsedMillis, String thread, String runner) {
    }

    private StatusPage() {
    }

    static byte[] text(List<Metric> metrics, List<InFlight> requests) {
        StringBuilder out = new StringBuilder(1024);
        for (Metric metric : metrics) {
            boolean startTime = metric.name().equals("start_time_seconds");
            String name = startTime ? "start time" : metric.name().replace('_', ' ')
                    + (metric.labelName() == null ? "" : " " + metric.labelValue());
            out.append(name).append(':');
            pad(out, name.length() + 1, 28);
            if (!metric.known()) {
                out.append("unknown");
            } else if (startTime) {
                out.append(Instant.ofEpochSecond(metric.value()));
            } else {
                out.append(metric.value());
            }
            out.append('\n');
        }
        if (requests != null) {
            for (InFlight request : requests) {
                out.append("\n************************\n");
                field(out, "method", request.method());
                field(out, "uri", request.uri());
                field(out, "elapsed ms", Long.toString(request.elapsedMillis()));
                field(out, "thread", request.thread());
                if (request.runner() != null) {
                    field(out, "runner", request.runner());
                }
            }
        }
        return bytes(out);
    }

    private static void field(StringBuilder out, String name, String value) {
        out.append(name).append(':');
        pad(out, name.length() + 1, 28);
        out.append(oneLine(value)).append('\n');
    }

    private static void pad(StringBuilder out, int from, int to) {
        for (int i = from; i < to; i++) {
            out.append(' ');
        }
    }

    /** A request's URI is the client's: keep it to one line of the text form. */
    private static String oneLine(String value) {
        return value.replace('\n', ' ').replace('\r', ' ');
    }

    static byte[] json(List<Metric> metrics, List<InFlight> requests) {
        StringBuilder out = new StringBuilder(1024).append('{');
        String group = null;
        boolean first = true;
        for (Metric metric : metrics) {
            if (group != null && !metric.name().equals(group)) {
                out.append('}');
                group = null;
            }
            if (metric.labelName() != null) {
                if (group == null) {
                    out.append(first ? "" : ",");
                    quote(out, metric.name()).append(":{");
                    group = metric.name();
                } else {
                    out.append(',');
                }
                quote(out, metric.labelValue()).append(':').append(metric.value());
            } else {
                out.append(first ? "" : ",");
                quote(out, metric.name()).append(':').append(metric.known() ? Long.toString(metric.value()) : "null");
            }
            first = false;
        }
        if (group != null) {
            out.append('}');
        }
        if (requests != null) {
            out.append(first ? "" : ",").append("\"requests\":[");
            for (int i = 0; i < requests.size(); i++) {
                InFlight request = requests.get(i);
                out.append(i == 0 ? "{" : ",{").append("\"method\":");
                quote(out, request.method()).append(",\"uri\":");
                quote(out, request.uri()).append(",\"elapsed_ms\":").append(request.elapsedMillis())
                        .append(",\"thread\":");
                quote(out, request.thread()).append(",\"runner\":");
                if (request.runner() == null) {
                    out.append("null");
                } else {
                    quote(out, request.runner());
                }
                out.append('}');
            }
            out.append(']');
        }
        return bytes(out.append("}\n"));
    }

    private static StringBuilder quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    /**
     * OpenMetrics 1.0 (which Prometheus scrapes): a family per name with its HELP and TYPE, counters' samples named
     * {@code _total}, unknown gauges left out, {@code # EOF} last.
     */
    static byte[] openMetrics(List<Metric> metrics, List<InFlight> requests) {
        StringBuilder out = new StringBuilder(2048);
        String family = null;
        for (Metric metric : metrics) {
            if (!metric.known()) {
                continue;
            }
            String name = PREFIX + metric.name();
            if (!name.equals(family)) {
                family = name;
                out.append("# HELP ").append(name).append(' ');
                escape(out, metric.help()).append('\n');
                out.append("# TYPE ").append(name).append(metric.counter() ? " counter\n" : " gauge\n");
            }
            out.append(name).append(metric.counter() ? "_total" : "");
            if (metric.labelName() != null) {
                out.append('{').append(metric.labelName()).append("=\"");
                escape(out, metric.labelValue()).append("\"}");
            }
            out.append(' ').append(metric.value()).append('\n');
        }
        if (requests != null && !requests.isEmpty()) {
            String name = PREFIX + "request_elapsed_seconds";
            out.append("# HELP ").append(name).append(" How long each request in flight has run.\n");
            out.append("# TYPE ").append(name).append(" gauge\n");
            int slot = 0;
            for (InFlight request : requests) {
                // the slot keeps two requests alike in every other label apart, as a label set must be unique
                out.append(name).append("{slot=\"").append(++slot).append("\",method=\"");
                escape(out, request.method()).append("\",uri=\"");
                escape(out, request.uri()).append("\",thread=\"");
                escape(out, request.thread()).append("\"} ");
                long millis = request.elapsedMillis();
                out.append(millis / 1000).append('.').append(String.format("%03d", millis % 1000)).append('\n');
            }
        }
        return bytes(out.append("# EOF\n"));
    }

    /** OpenMetrics' escapes (of HELP text and label values alike): backslash, newline, double quote. */
    private static StringBuilder escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '"') {
                out.append("\\\"");
            } else {
                out.append(c);
            }
        }
        return out;
    }

    private static byte[] bytes(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
