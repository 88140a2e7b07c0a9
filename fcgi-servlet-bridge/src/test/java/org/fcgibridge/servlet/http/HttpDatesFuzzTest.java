package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.List;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of HTTP dates ({@link HttpDates}), from If-Modified-Since, If-Range and the like: any text parses to
 * whole seconds or -1 without throwing; each of the three formats parses to the instant it names.
 */
class HttpDatesFuzzTest {
    private static final DateTimeFormatter RFC850 = DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'",
            Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
            Locale.US).withZone(ZoneOffset.UTC);

    static String texts(Fuzz f) {
        switch (f.between(0, 2)) {
            case 0:
                return f.string(40);
            case 1:
                return String.join(" ", f.list(10, () -> f.oneOf("Sun,", " ", "06", "Nov", "1994", "08:49:37", "GMT",
                        "-", "94", "Sunday,", ";", "length=3", ",", "99999", "Feb", "30", "24:00:00", "\t", "UTC",
                        "0000")));
            default:
                String date = HttpDates.format(f.between(-10_000_000_000_000L, 300_000_000_000_000L));
                int cut = f.between(0, date.length());
                return date.substring(0, cut) + date.substring(Math.min(cut + 1, date.length()));
        }
    }

    @Test
    void anyTextIsWholeSecondsOrMinusOne() {
        Fuzz.check(f -> anyTextIsWholeSecondsOrMinusOne(texts(f)));
    }

    private void anyTextIsWholeSecondsOrMinusOne(String text) {
        long parsed = HttpDates.parse(text);
        assertTrue(parsed == -1 || parsed % 1000 == 0, text + " -> " + parsed);
    }

    /** Years 1970 to 9999 in IMF-fixdate and asctime; RFC 850's two-digit years from 1970 to 2069. */
    @Test
    void everyFormatParsesToItsInstant() {
        Fuzz.check(f -> everyFormatParsesToItsInstant(f.between(0L, 253_402_300_799L)));
    }

    private void everyFormatParsesToItsInstant(long seconds) {
        long millis = seconds * 1000;
        Instant instant = Instant.ofEpochSecond(seconds);
        assertEquals(millis, HttpDates.parse(HttpDates.format(millis)));
        assertEquals(millis, HttpDates.parse(ASCTIME.format(instant)), ASCTIME.format(instant));
        if (ZonedDateTime.ofInstant(instant, ZoneOffset.UTC).getYear() < 2070) {
            assertEquals(millis, HttpDates.parse(RFC850.format(instant)), RFC850.format(instant));
        }
        assertEquals(millis, HttpDates.parse("  " + HttpDates.format(millis) + "; length=12"));
    }
}
