package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.Cookie;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Property tests of Cookie headers ({@link Cookies}): any header parses without throwing into cookies whose names are
 * tokens and whose values hold no separator; well-formed pairs parse to themselves; and a cookie never formats into
 * a Set-Cookie value with a CR, LF or NUL (response splitting).
 */
class CookiesFuzzTest {

    @Provide
    Arbitrary<String> headers() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(50),
                Arbitraries.of("a", "=", ";", " ", "\"", "$Version=1", "$Path=/", "b=c", "\r\n", "\0", ",", "\t",
                        "=\"\"", "\"x\"", "name", "é", "Domain", "Max-Age").list().ofMaxSize(12)
                        .map(l -> String.join("", l)));
    }

    @Property
    void anyHeaderParsesIntoWellFormedCookies(@ForAll("headers") String header) {
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

    @Provide
    Arbitrary<List<Tuple2<String, String>>> pairs() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019_-.!#'*+^`|~").ofMinLength(1)
                .ofMaxLength(10).filter(n -> !n.startsWith("$"));
        // RFC 6265 cookie-octets
        Arbitrary<String> value = Arbitraries.strings().withChars("abcXYZ019!#$%&'()*+-./:<=>?@[]^_`{|}~")
                .ofMaxLength(12);
        return Combinators.combine(name, value).as(Tuple::of).list().ofMaxSize(5);
    }

    @Property
    void wellFormedPairsParseToThemselves(@ForAll("pairs") List<Tuple2<String, String>> pairs,
                                          @ForAll boolean quoted, @ForAll boolean spaced) {
        String header = pairs.stream().map(p -> p.get1() + "=" + (quoted ? "\"" + p.get2() + "\"" : p.get2()))
                .collect(Collectors.joining(spaced ? "; " : ";"));
        List<Cookie> cookies = Cookies.parse(header);
        assertEquals(pairs.size(), cookies.size(), header);
        for (int i = 0; i < pairs.size(); i++) {
            assertEquals(pairs.get(i).get1(), cookies.get(i).getName());
            assertEquals(pairs.get(i).get2(), cookies.get(i).getValue());
        }
    }

    @Property
    void aCookieNeverFormatsIntoAHeaderBreak(@ForAll("headers") String value, @ForAll("headers") String path) {
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
