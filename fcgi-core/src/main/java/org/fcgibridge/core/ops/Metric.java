package org.fcgibridge.core.ops;

/**
 * One figure of the status page.
 *
 * @param name       lower case with underscores; the OpenMetrics family is {@code fcgi_} + name
 * @param help       one line for {@code # HELP}
 * @param counter    a count that only grows (OpenMetrics names its sample {@code _total}), else a gauge
 * @param labelName  null, or the one label that tells samples of the same name apart
 * @param labelValue its value
 * @param value      the figure; negative for a gauge the system does not know
 */
record Metric(String name, String help, boolean counter, String labelName, String labelValue, long value) {
    static Metric counter(String name, String help, long value) {
        return new Metric(name, help, true, null, null, value);
    }

    static Metric gauge(String name, String help, long value) {
        return new Metric(name, help, false, null, null, value);
    }

    boolean known() {
        return value >= 0;
    }
}
