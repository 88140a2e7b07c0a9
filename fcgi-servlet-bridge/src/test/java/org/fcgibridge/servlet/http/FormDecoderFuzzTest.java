package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of application/x-www-form-urlencoded decoding ({@link FormDecoder}), for query strings and form
 * bodies: encoded pairs decode to themselves, and any text decodes without throwing, never longer than it came
 * (a malformed escape is kept as it is).
 */
class FormDecoderFuzzTest {
    private static final List<Charset> CHARSETS = List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1,
            StandardCharsets.US_ASCII, StandardCharsets.UTF_16);

    static String forms(Fuzz f) {
        return f.bool() ? f.string(40) : f.joined(List.of("a", "=", "&", "%", "%2", "%41", "%zz", "%c3%a9", "%c3",
                "%ff", "+", "%2B", "%26", "%3D", "%%", "\u00e9", "\ud83d\ude00", "\ud800", "&&", "=="), 0, 15);
    }

    @Test
    void anyTextDecodesWithoutGrowing() {
        Fuzz.check(f -> anyTextDecodesWithoutGrowing(forms(f), f.oneOf(CHARSETS)));
    }

    private void anyTextDecodesWithoutGrowing(String text, Charset charset) {
        Map<String, List<String>> pairs = FormDecoder.decode(text, charset);
        int decodedLength = 0;
        int count = 0;
        for (Map.Entry<String, List<String>> e : pairs.entrySet()) {
            for (String value : e.getValue()) {
                decodedLength += e.getKey().length() + value.length();
                count++;
            }
        }
        assertTrue(decodedLength <= text.length(), text + " -> " + pairs);
        assertTrue(count <= text.length() / 1 + 1, "more pairs than characters");
        assertTrue(FormDecoder.unescape(text, charset).length() <= text.length());
    }

    @Test
    void encodedPairsDecodeToThemselves() {
        Fuzz.check(f -> encodedPairsDecodeToThemselves(f.list(6, () -> f.string(20)), f.list(6, () -> f.string(20)),
                f.bool()));
    }

    private void encodedPairsDecodeToThemselves(List<String> names, List<String> values, boolean latin1) {
        Charset charset = latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
        Map<String, List<String>> expected = new LinkedHashMap<>();
        List<String> encoded = new ArrayList<>();
        for (int i = 0; i < Math.min(names.size(), values.size()); i++) {
            String name = representable(names.get(i), latin1);
            String value = representable(values.get(i), latin1);
            if (name.isEmpty() && value.isEmpty()) {
                continue; // "=" alone is a pair with an empty name; an empty string between '&'s is none
            }
            expected.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            encoded.add(URLEncoder.encode(name, charset) + "=" + URLEncoder.encode(value, charset));
        }
        assertEquals(expected, FormDecoder.decode(String.join("&", encoded), charset));
    }

    @Test
    void textWithoutEscapesIsKeptAsItIs() {
        Fuzz.check(f -> textWithoutEscapesIsKeptAsItIs(f.string(60)));
    }

    private void textWithoutEscapesIsKeptAsItIs(String text) {
        String plain = text.replace('%', '_').replace('+', '_');
        assertEquals(plain, FormDecoder.unescape(plain, StandardCharsets.UTF_8));
    }

    /** The string as the charset can carry it: Latin-1 characters only, or no lone surrogates. */
    private static String representable(String s, boolean latin1) {
        if (latin1) {
            StringBuilder out = new StringBuilder();
            s.chars().forEach(c -> out.append((char) (c & 0xFF)));
            return out.toString();
        }
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
