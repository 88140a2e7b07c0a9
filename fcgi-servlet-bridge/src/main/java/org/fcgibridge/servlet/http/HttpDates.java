package org.fcgibridge.servlet.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** HTTP dates (RFC 9110 section 5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in. */
public final class HttpDates {
    private static final DateTimeFormatter IMF = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.US).withZone(ZoneOffset.UTC);
    // parsing ignores the day of the week: a wrong one (clients compute it badly) does not void the date
    private static final DateTimeFormatter IMF_IN = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC850_IN = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("dd-MMM-")
            .appendValueReduced(java.time.temporal.ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME_IN = DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy",
            Locale.US).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    /** Milliseconds since the epoch as an IMF-fixdate. */
    public static String format(long epochMillis) {
        return IMF.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses any of the three formats; returns -1 if the text is none of them. */
    public static long parse(String text) {
        if (text == null) {
            return -1;
        }
        String value = text.trim();
        int semicolon = value.indexOf(';'); // some clients append "; length=..." to If-Modified-Since
        if (semicolon > 0) {
            value = value.substring(0, semicolon).trim();
        }
        value = value.replaceAll("\\s+", " ");
        int comma = value.indexOf(',');
        int space = value.indexOf(' ');
        String withoutDay = comma > 0 && comma < space + 1 ? value.substring(comma + 1).trim()
                : space > 0 ? value.substring(space + 1) : value;
        for (DateTimeFormatter format : new DateTimeFormatter[] {IMF_IN, RFC850_IN, ASCTIME_IN}) {
            try {
                return ZonedDateTime.parse(withoutDay, format).toInstant().toEpochMilli();
            } catch (DateTimeParseException notThisOne) {
                // try the next format
            }
        }
        return -1;
    }
}
