package org.fcgibridge.sample;

import java.util.List;
import java.util.Map;

/** The little JSON the sample needs: writing maps, lists, strings and numbers, and reading one flat object. */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(String.valueOf(entry.getKey()), out);
                out.append(':');
                write(entry.getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List) {
            out.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(item, out);
            }
            out.append(']');
        } else {
            out.append('"');
            String s = value.toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': out.append("\\\""); break;
                    case '\\': out.append("\\\\"); break;
                    case '\n': out.append("\\n"); break;
                    case '\r': out.append("\\r"); break;
                    case '\t': out.append("\\t"); break;
                    default:
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                }
            }
            out.append('"');
        }
    }

    /**
     * Reads a flat JSON object of strings and numbers: {"name":"x","quantity":3}.
     *
     * @throws IllegalArgumentException if the text is not such an object
     */
    static Map<String, String> readObject(String text) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        String s = text.trim();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int i = 1;
        while (true) {
            i = skip(s, i);
            if (s.charAt(i) == '}') {
                return fields;
            }
            int[] end = new int[1];
            String key = string(s, i, end);
            i = skip(s, end[0]);
            if (s.charAt(i) != ':') {
                throw new IllegalArgumentException("expected ':' at " + i);
            }
            i = skip(s, i + 1);
            String value;
            if (s.charAt(i) == '"') {
                value = string(s, i, end);
                i = end[0];
            } else {
                int start = i;
                while (i < s.length() && ",}".indexOf(s.charAt(i)) < 0 && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                value = s.substring(start, i);
            }
            fields.put(key, value);
            i = skip(s, i);
            if (s.charAt(i) == ',') {
                i++;
            } else if (s.charAt(i) != '}') {
                throw new IllegalArgumentException("expected ',' or '}' at " + i);
            }
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i >= s.length()) {
            throw new IllegalArgumentException("unexpected end of JSON");
        }
        return i;
    }

    private static String string(String s, int i, int[] end) {
        if (s.charAt(i) != '"') {
            throw new IllegalArgumentException("expected a string at " + i);
        }
        StringBuilder out = new StringBuilder();
        for (i = i + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                end[0] = i + 1;
                return out.toString();
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n': out.append('\n'); break;
                    case 't': out.append('\t'); break;
                    case 'r': out.append('\r'); break;
                    case 'u':
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                        break;
                    default: out.append(e);
                }
            } else {
                out.append(c);
            }
        }
        throw new IllegalArgumentException("unterminated string");
    }
}
