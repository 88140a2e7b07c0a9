package org.fcgibridge.servlet.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request's headers, as FastCGI carries them: HTTP_* params (plus CONTENT_TYPE and CONTENT_LENGTH) turned back into
 * header names. Lookups ignore case. The web server has already joined repeated headers into one value.
 */
public final class HttpHeaders {
    private static final Map<String, String> CANONICAL = new java.util.HashMap<>();

    static {
        for (String name : new String[] {"DNT", "ETag", "TE", "WWW-Authenticate", "X-XSS-Protection",
            "Content-MD5", "X-UA-Compatible", "X-Request-ID", "X-Correlation-ID", "X-CSRF-Token", "X-XSRF-TOKEN",
            "HTTP2-Settings", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
            "Sec-WebSocket-Protocol", "Sec-CH-UA", "Sec-CH-UA-Mobile", "Sec-CH-UA-Platform"}) {
            CANONICAL.put(name.toUpperCase(Locale.ROOT).replace('-', '_'), name);
        }
    }

    private final Map<String, String> byLowerName;
    private final List<String> names;

    private HttpHeaders(Map<String, String> byLowerName, List<String> names) {
        this.byLowerName = byLowerName;
        this.names = names;
    }

    /** Builds headers from (name, value) pairs in arrival order; a later value of the same name replaces it. */
    public static HttpHeaders of(List<Map.Entry<String, String>> headers) {
        Map<String, String> byLower = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (byLower.put(lower, header.getValue()) == null) {
                names.add(header.getKey());
            }
        }
        return new HttpHeaders(byLower, Collections.unmodifiableList(names));
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

    /** The value of {@code name} (any case), or null. */
    public String get(String name) {
        return name == null ? null : byLowerName.get(name.toLowerCase(Locale.ROOT));
    }

    /** The header names, in arrival order. */
    public List<String> names() {
        return names;
    }
}
