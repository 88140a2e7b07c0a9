package org.fcgibridge.servlet.diff;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** One request of the differential tests, and how its responses are compared. */
final class Case {
    final String name;
    String method = "GET";
    final String target;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body;
    boolean statusOnly;
    boolean statusCodeOnly;
    final List<UnaryOperator<String>> masks = new ArrayList<>();

    private Case(String name, String target) {
        this.name = name;
        this.target = target;
    }

    static Case get(String target) {
        return new Case("GET " + target, target);
    }

    static Case request(String method, String target) {
        Case c = new Case(method + " " + target, target);
        c.method = method;
        return c;
    }

    Case header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    Case body(String contentType, String text) {
        return body(contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    Case body(String contentType, byte[] bytes) {
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        body = bytes;
        if (method.equals("GET")) {
            method = "POST";
        }
        return this;
    }

    /** Container-generated pages (default error pages) differ by design: compare status and media type only. */
    Case statusOnly() {
        statusOnly = true;
        return this;
    }

    /** Requests nginx itself refuses (a bad escape): its page is not the bridge's; compare the status alone. */
    Case nginxRefuses() {
        statusCodeOnly = true;
        return this;
    }

    Case mask(String regex, String replacement) {
        masks.add(text -> text.replaceAll(regex, replacement));
        return this;
    }

    DiffHarness.Request request() {
        return new DiffHarness.Request(method, target, headers, body);
    }

    @Override
    public String toString() {
        return name + (headers.isEmpty() ? "" : " " + headers.keySet()) + (body == null ? "" : " +body");
    }
}
