package org.fcgibridge.servlet.war;

import java.util.Map;

/**
 * What every deployed web application gets before its own web.xml, as Jetty's webdefault-ee10.xml gives it: the
 * locale-encoding-mapping-list, so that {@code setLocale(Locale.JAPANESE)} sets Shift_JIS unless the application maps
 * "ja" itself.
 */
final class WebDefaults {
    /** Jetty 12.1's webdefault-ee10.xml mappings, language (or language_COUNTRY) to charset. */
    static final Map<String, String> LOCALE_ENCODINGS = Map.ofEntries(
            Map.entry("ar", "ISO-8859-6"), Map.entry("be", "ISO-8859-5"), Map.entry("bg", "ISO-8859-5"),
            Map.entry("ca", "ISO-8859-1"), Map.entry("cs", "ISO-8859-2"), Map.entry("da", "ISO-8859-1"),
            Map.entry("de", "ISO-8859-1"), Map.entry("el", "ISO-8859-7"), Map.entry("en", "ISO-8859-1"),
            Map.entry("es", "ISO-8859-1"), Map.entry("et", "ISO-8859-1"), Map.entry("fi", "ISO-8859-1"),
            Map.entry("fr", "ISO-8859-1"), Map.entry("hr", "ISO-8859-2"), Map.entry("hu", "ISO-8859-2"),
            Map.entry("is", "ISO-8859-1"), Map.entry("it", "ISO-8859-1"), Map.entry("iw", "ISO-8859-8"),
            Map.entry("ja", "Shift_JIS"), Map.entry("ko", "EUC-KR"), Map.entry("lt", "ISO-8859-2"),
            Map.entry("lv", "ISO-8859-2"), Map.entry("mk", "ISO-8859-5"), Map.entry("nl", "ISO-8859-1"),
            Map.entry("no", "ISO-8859-1"), Map.entry("pl", "ISO-8859-2"), Map.entry("pt", "ISO-8859-1"),
            Map.entry("ro", "ISO-8859-2"), Map.entry("ru", "ISO-8859-5"), Map.entry("sh", "ISO-8859-5"),
            Map.entry("sk", "ISO-8859-2"), Map.entry("sl", "ISO-8859-2"), Map.entry("sq", "ISO-8859-2"),
            Map.entry("sr", "ISO-8859-5"), Map.entry("sv", "ISO-8859-1"), Map.entry("tr", "ISO-8859-9"),
            Map.entry("uk", "ISO-8859-5"), Map.entry("zh", "GB2312"), Map.entry("zh_TW", "Big5"));

    private WebDefaults() {
    }
}
