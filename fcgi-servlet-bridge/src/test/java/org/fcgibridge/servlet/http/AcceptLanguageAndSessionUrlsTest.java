package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The two small request codecs that follow Tomcat and Jetty: Accept-Language's locales and session ids in URLs. */
class AcceptLanguageAndSessionUrlsTest {
    private static final URI REQUEST = URI.create("http://example.org:8080/app/dir/page");

    @Test
    void localesComeByQualityInTheClientsOrderWithNothingAdded() {
        assertEquals(List.of(Locale.forLanguageTag("de-DE"), Locale.GERMAN, Locale.ENGLISH),
                AcceptLanguage.locales(List.of("de-DE,de;q=0.9,en;q=0.5")));
        assertEquals(List.of(Locale.ENGLISH, Locale.FRENCH, Locale.GERMAN),
                AcceptLanguage.locales(List.of("de;q=0.5, en", "x;q=0, *, fr ; Q = 1.0")));
        assertEquals(List.of(Locale.forLanguageTag("zh-Hant-TW"), Locale.ENGLISH),
                AcceptLanguage.locales(List.of("en;q=0.001, zh-Hant-TW, en")), "a tag said twice counts once");
    }

    @Test
    void malformedEntriesAreSkipped() {
        assertEquals(List.of(Locale.ENGLISH),
                AcceptLanguage.locales(List.of("de;q=2, fr;q=x, it;q=0.1234, ,;q=1, en")));
        assertEquals(List.of(), AcceptLanguage.locales(List.of("", "*", "1234567890")));
    }

    @Test
    void theRequestedIdEndsAtTheNextParameterOrSegment() {
        assertEquals("abc", SessionUrls.requestedId("/app/p;JSESSIONID=abc", "jsessionid"));
        assertEquals("abc", SessionUrls.requestedId("/app/p;jsessionid=abc;v=1/x", "jsessionid"));
        assertNull(SessionUrls.requestedId("/app/p;jsessionid=", "jsessionid"));
        assertNull(SessionUrls.requestedId("/app/p", "jsessionid"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/app/a                         | /app/a;jsessionid=ID",
        "b?x=1#f                        | b;jsessionid=ID?x=1#f",
        "/app/c#f?x                     | /app/c;jsessionid=ID#f?x",
        "http://example.org:8080/app    | http://example.org:8080/app;jsessionid=ID",
        "//EXAMPLE.org:8080/app/d       | //EXAMPLE.org:8080/app/d;jsessionid=ID",
        "/app/e;jsessionid=ID           | /app/e;jsessionid=ID",
        "http://example.org/app/f       | http://example.org/app/f",
        "https://example.org:8080/app/g | https://example.org:8080/app/g",
        "http://other.org:8080/app/h    | http://other.org:8080/app/h",
        "/application/i                 | /application/i",
        "../../other/j                  | ../../other/j",
        "#k                             | #k",
        "?l=1                           | ?l=1",
        "mailto:m@example.org           | mailto:m@example.org",
        "/app/n o                       | /app/n o",
    })
    void onlyUrlsOfThisApplicationGetTheId(String url, String encoded) {
        assertEquals(encoded, SessionUrls.encode(url, "jsessionid", "ID", REQUEST, "/app"));
    }

    @Test
    void inTheRootContextEveryPathOfTheHostIsTheApplications() {
        assertEquals("/x;jsessionid=ID", SessionUrls.encode("/x", "jsessionid", "ID", REQUEST, ""));
        assertEquals("http://example.org:8080/;jsessionid=ID",
                SessionUrls.encode("http://example.org:8080", "jsessionid", "ID", REQUEST, ""));
    }
}
