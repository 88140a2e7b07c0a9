package org.fcgibridge.servlet.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * application/x-www-form-urlencoded decoding, for query strings and form bodies: {@code &}-separated pairs,
 * {@code +} for space, %XX as bytes of the given charset. A malformed escape is kept as it is.
 */
public final class FormDecoder {
    private FormDecoder() {
    }

    /** Adds the pairs of {@code text} to {@code into}, in order, values appended to earlier ones of the same name. */
    public static void decode(String text, Charset charset, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        int start = 0;
        int length = text.length();
        while (start <= length) {
            int amp = text.indexOf('&', start);
            int end = amp < 0 ? length : amp;
            if (end > start) {
                int eq = text.indexOf('=', start);
                String name;
                String value;
                if (eq >= 0 && eq < end) {
                    name = unescape(text, start, eq, charset);
                    value = unescape(text, eq + 1, end, charset);
                } else {
                    name = unescape(text, start, end, charset);
                    value = "";
                }
                into.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
    }

    /** The pairs of {@code text} as a fresh map. */
    public static Map<String, List<String>> decode(String text, Charset charset) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        decode(text, charset, map);
        return map;
    }

    /** Percent-decodes {@code text} ('+' is a space). */
    public static String unescape(String text, Charset charset) {
        return unescape(text, 0, text.length(), charset);
    }

    private static String unescape(String text, int from, int to, Charset charset) {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%' || c == '+') {
                plain = false;
                break;
            }
        }
        if (plain) {
            return text.substring(from, to);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        StringBuilder out = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < to && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                bytes.write(hex(text.charAt(i + 1)) << 4 | hex(text.charAt(i + 2)));
                i += 2;
                continue;
            }
            flush(bytes, out, charset);
            out.append(c == '+' ? ' ' : c);
        }
        flush(bytes, out, charset);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out, Charset charset) {
        if (bytes.size() > 0) {
            out.append(new String(bytes.toByteArray(), charset));
            bytes.reset();
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
