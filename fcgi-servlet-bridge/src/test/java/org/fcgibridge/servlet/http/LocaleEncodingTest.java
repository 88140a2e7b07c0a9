package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** setLocale and the locale-encoding-mapping-list: the TCK's i18n encoding sequences, step by step. */
class LocaleEncodingTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final BridgeResponse response = new BridgeResponse(out, false, null);

    LocaleEncodingTest() {
        Map<String, String> mapping = Map.of("ja", "euc-jp", "zh_CN", "gb18030");
        response.setLocaleEncodings(locale -> mapping.getOrDefault(locale.toString(),
                mapping.get(locale.getLanguage())));
    }

    @Test
    void setLocaleSetsTheMappedCharsetUntilOneIsSetExplicitly() throws Exception {
        response.setContentType("text/html");
        assertEquals("iso-8859-1", response.getCharacterEncoding());
        response.setLocale(Locale.JAPAN);
        assertEquals("euc-jp", response.getCharacterEncoding());
        assertEquals("text/html;charset=euc-jp", response.getContentType(), "the mapped charset is sent");
        response.setLocale(Locale.CHINA);
        assertEquals("gb18030", response.getCharacterEncoding());
        response.setContentType("text/html");
        assertEquals("gb18030", response.getCharacterEncoding(), "a type without charset keeps it");
        response.setCharacterEncoding("utf-8");
        response.setLocale(Locale.JAPAN);
        assertEquals("utf-8", response.getCharacterEncoding(), "an explicit charset stays");
        response.setContentType("text/html;charset=gb18030");
        response.setCharacterEncoding("utf-8");
        response.getWriter();
        response.setCharacterEncoding("iso-8859-1");
        response.setLocale(Locale.JAPAN);
        assertEquals("utf-8", response.getCharacterEncoding(), "getWriter froze it");
    }

    @Test
    void anExplicitCharsetIsNotOverriddenAndAnUnmappedLocaleChangesNothing() throws Exception {
        response.setContentType("text/html;charset=utf-16le");
        response.setLocale(Locale.JAPAN);
        assertEquals("utf-16le", response.getCharacterEncoding());
        BridgeResponse other = new BridgeResponse(new ByteArrayOutputStream(), false, null);
        other.setLocaleEncodings(locale -> null);
        other.setContentType("text/plain");
        other.setLocale(Locale.FRANCE);
        assertEquals("text/plain", other.getContentType());
        assertEquals("iso-8859-1", other.getCharacterEncoding());
    }

    @Test
    void theMappedCharsetEncodesTheBody() throws Exception {
        response.setContentType("text/plain");
        response.setLocale(Locale.JAPAN);
        response.getWriter().print("\u65e5\u672c");
        response.complete();
        String written = out.toString(StandardCharsets.ISO_8859_1);
        assertEquals(true, written.contains("Content-Type: text/plain;charset=euc-jp\r\n"), written);
        assertEquals(true, written.endsWith(new String("\u65e5\u672c".getBytes("EUC-JP"), StandardCharsets.ISO_8859_1)),
                written);
    }
}
