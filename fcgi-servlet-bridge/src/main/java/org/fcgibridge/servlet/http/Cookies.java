package org.fcgibridge.servlet.http;

import jakarta.servlet.http.Cookie;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Cookie headers: parsing {@code Cookie} (RFC 6265) and formatting {@code Set-Cookie}. */
public final class Cookies {
    private Cookies() {
    }

    /** The cookies of a Cookie header; malformed pairs are skipped, quoted values unquoted. */
    public static List<Cookie> parse(String header) {
        List<Cookie> cookies = new ArrayList<>();
        if (header == null) {
            return cookies;
        }
        for (String pair : header.split(";")) {
            String trimmed = pair.trim();
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = trimmed.substring(0, eq).trim();
            String value = trimmed.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (name.startsWith("$")) {
                continue; // RFC 2109 attributes ($Version, $Path)
            }
            try {
                cookies.add(new Cookie(name, value));
            } catch (IllegalArgumentException invalidName) {
                // a name Cookie refuses (a token it does not allow): skipped, as containers do
            }
        }
        return cookies;
    }

    /**
     * A Set-Cookie value: {@code name=value; Path=..; Domain=..; Expires=..; Max-Age=..; Secure; HttpOnly} and any
     * other attribute (SameSite, Partitioned) as set on the cookie.
     *
     * @throws IllegalArgumentException if the name or value holds a character a header cannot carry
     */
    public static String format(Cookie cookie) {
        StringBuilder out = new StringBuilder();
        out.append(cookie.getName()).append('=').append(cookie.getValue() == null ? "" : cookie.getValue());
        if (cookie.getPath() != null) {
            out.append("; Path=").append(cookie.getPath());
        }
        if (cookie.getDomain() != null) {
            out.append("; Domain=").append(cookie.getDomain());
        }
        int maxAge = cookie.getMaxAge();
        if (maxAge == 0) {
            out.append("; Expires=").append(HttpDates.format(0));
        } else if (maxAge > 0) {
            out.append("; Expires=").append(HttpDates.format(System.currentTimeMillis() + maxAge * 1000L));
            out.append("; Max-Age=").append(maxAge);
        }
        if (cookie.getSecure()) {
            out.append("; Secure");
        }
        if (cookie.isHttpOnly()) {
            out.append("; HttpOnly");
        }
        for (Map.Entry<String, String> attribute : cookie.getAttributes().entrySet()) {
            String name = attribute.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("path") || name.equals("domain") || name.equals("max-age") || name.equals("secure")
                    || name.equals("httponly") || name.equals("expires") || name.equals("comment")) {
                continue;
            }
            out.append("; ").append(attribute.getKey());
            if (attribute.getValue() != null && !attribute.getValue().isEmpty()) {
                out.append('=').append(attribute.getValue());
            }
        }
        String text = out.toString();
        ResponseHeaders.checkValue(text);
        return text;
    }
}
