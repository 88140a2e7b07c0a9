package org.fcgibridge.servlet.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request's headers, as FastCGI carries them: HTTP_* params (plus CONTENT_TYPE and CONTENT_LENGTH) turned back into
 * header names. Lookups ignore case. A header the client repeated stays as many values, in order: some web servers
 * join the values into one param (nginx from 1.23), others send one param per value (nginx before 1.23, Apache
 * httpd for some headers), and both arrive here as they were sent.
 */
public final class HttpHeaders {
    private static final Map<String, String> CANONICAL = new HashMap<>();

    static {
        for (String name : new String[] {"DNT", "ETag", "TE", "WWW-Authenticate", "X-XSS-Protection",
            "Content-MD5", "X-UA-Compatible", "X-Request-ID", "X-Correlation-ID", "X-CSRF-Token", "X-XSRF-TOKEN",
            "HTTP2-Settings", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
            "Sec-WebSocket-Protocol", "Sec-CH-UA", "Sec-CH-UA-Mobile", "Sec-CH-UA-Platform"}) {
            CANONICAL.put(name.toUpperCase(Locale.ROOT).replace('-', '_'), name);
        }
    }

    /** Each name's first value. */
    private final Map<String, String> byLowerName;
    /** Every value of the names that came more than once; null (the usual case) when none did. */
    private final Map<String, List<String>> repeated;
    private final List<String> names;

    private HttpHeaders(Map<String, String> byLowerName, Map<String, List<String>> repeated, List<String> names) {
        this.byLowerName = byLowerName;
        this.repeated = repeated;
        this.names = names;
    }

    /** Builds headers from (name, value) pairs in arrival order; a repeated name keeps all its values, in order. */
    public static HttpHeaders of(List<Map.Entry<String, String>> headers) {
        Map<String, String> byLower = new HashMap<>();
        Map<String, List<String>> repeated = null;
        List<String> names = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            String first = byLower.putIfAbsent(lower, header.getValue());
            if (first == null) {
                names.add(header.getKey());
            } else {
                if (repeated == null) {
                    repeated = new HashMap<>();
                }
                repeated.computeIfAbsent(lower, k -> new ArrayList<>(List.of(first))).add(header.getValue());
            }
        }
        return new HttpHeaders(byLower, repeated, Collections.unmodifiableList(names));
    }

    /** The header name an HTTP_* param stands for: HTTP_ACCEPT_LANGUAGE is Accept-Language. */
    public static String nameOf(String cgiVariable) {
        String key = cgiVariable.startsWith("HTTP_") ? cgiVariable.substring(5) : cgiVariable;
        String known = CANONICAL.get(key);
        if (known != null) {
            return known;
        }
        StringBuilder name = new StringBuilder(key.length());
        boolean upper = true;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '_') {
                name.append('-');
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
                upper = false;
            }
        }
        return name.toString();
    }

    /** The first value of {@code name} (any case), or null. */
    public String get(String name) {
        return name == null ? null : byLowerName.get(name.toLowerCase(Locale.ROOT));
    }

    /** Every value of {@code name} (any case) in arrival order; empty when there is none. Unmodifiable. */
    public List<String> all(String name) {
        if (name == null) {
            return List.of();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (repeated != null) {
            List<String> values = repeated.get(lower);
            if (values != null) {
                return Collections.unmodifiableList(values);
            }
        }
        String value = byLowerName.get(lower);
        return value == null ? List.of() : List.of(value);
    }

    /** The header names, in arrival order. */
    public List<String> names() {
        return names;
    }
}
