package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.Cookie;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of Cookie headers ({@link Cookies}): any header parses without throwing into cookies whose names are
 * tokens and whose values hold no separator; well-formed pairs parse to themselves; and a cookie never formats into
 * a Set-Cookie value with a CR, LF or NUL (response splitting).
 */
class CookiesFuzzTest {

    static String headers(Fuzz f) {
        return f.bool() ? f.string(50) : f.joined(List.of("a", "=", ";", " ", "\"", "$Version=1", "$Path=/", "b=c",
                "\r\n", "\0", ",", "\t", "=\"\"", "\"x\"", "name", "\u00e9", "Domain", "Max-Age"), 0, 12);
    }

    @Test
    void anyHeaderParsesIntoWellFormedCookies() {
        Fuzz.check(f -> anyHeaderParsesIntoWellFormedCookies(headers(f)));
    }

    private void anyHeaderParsesIntoWellFormedCookies(String header) {
        List<Cookie> cookies = Cookies.parse(header);
        assertTrue(cookies.size() <= header.length() / 2 + 1);
        for (Cookie cookie : cookies) {
            String name = cookie.getName();
            assertFalse(name.isEmpty() || name.startsWith("$"), name);
            assertEquals(name.trim(), name);
            assertFalse(name.contains(";") || name.contains("=") || cookie.getValue().contains(";"),
                    cookie.getName() + "=" + cookie.getValue());
            try {
                String formatted = Cookies.format(cookie);
                assertFalse(formatted.contains("\r") || formatted.contains("\n") || formatted.contains("\0"),
                        formatted);
            } catch (IllegalArgumentException refused) {
                // a value a header cannot carry: refused, as documented
            }
        }
    }

    static List<Map.Entry<String, String>> pairs(Fuzz f) {
        return f.list(5, () -> {
            String name = f.string("abcXYZ019_-.!#'*+^`|~", 1, 10);
            // RFC 6265 cookie-octets
            String value = f.string("abcXYZ019!#$%&'()*+-./:<=>?@[]^_`{|}~", 0, 12);
            return Map.entry(name.startsWith("$") ? "x" + name : name, value);
        });
    }

    @Test
    void wellFormedPairsParseToThemselves() {
        Fuzz.check(f -> wellFormedPairsParseToThemselves(pairs(f), f.bool(), f.bool()));
    }

    private void wellFormedPairsParseToThemselves(List<Map.Entry<String, String>> pairs, boolean quoted,
                                                  boolean spaced) {
        String header = pairs.stream().map(p -> p.getKey() + "=" + (quoted ? "\"" + p.getValue() + "\"" : p.getValue()))
                .collect(Collectors.joining(spaced ? "; " : ";"));
        List<Cookie> cookies = Cookies.parse(header);
        assertEquals(pairs.size(), cookies.size(), header);
        for (int i = 0; i < pairs.size(); i++) {
            assertEquals(pairs.get(i).getKey(), cookies.get(i).getName());
            assertEquals(pairs.get(i).getValue(), cookies.get(i).getValue());
        }
    }

    @Test
    void aCookieNeverFormatsIntoAHeaderBreak() {
        Fuzz.check(f -> aCookieNeverFormatsIntoAHeaderBreak(headers(f), headers(f)));
    }

    private void aCookieNeverFormatsIntoAHeaderBreak(String value, String path) {
        Cookie cookie = new Cookie("n", value);
        cookie.setPath(path);
        boolean breaks = (value + path).chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0);
        try {
            String formatted = Cookies.format(cookie);
            assertFalse(breaks, "formatted a header break: " + formatted);
        } catch (IllegalArgumentException refused) {
            assertTrue(breaks, "refused " + value + " / " + path + ": " + refused.getMessage());
        }
    }
}
