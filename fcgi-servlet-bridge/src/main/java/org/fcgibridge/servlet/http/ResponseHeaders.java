package org.fcgibridge.servlet.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.fcgibridge.core.http.CgiResponseHead;

/**
 * A response's header fields in the order they were set: set replaces every field of that name (in the first one's
 * place), add appends. Names compare without case. Names and values that hold CR, LF or NUL are refused (they would
 * split the header block: response splitting).
 */
public final class ResponseHeaders {
    private final List<String[]> fields = new ArrayList<>();

    /** Replaces every field named {@code name} with one; a null value removes them. */
    public void set(String name, String value) {
        checkName(name);
        if (value == null) {
            remove(name);
            return;
        }
        checkValue(value);
        boolean placed = false;
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i)[0].equalsIgnoreCase(name)) {
                if (!placed) {
                    fields.set(i, new String[] {name, value});
                    placed = true;
                } else {
                    fields.remove(i--);
                }
            }
        }
        if (!placed) {
            fields.add(new String[] {name, value});
        }
    }

    /** Adds a field. */
    public void add(String name, String value) {
        checkName(name);
        if (value == null) {
            return;
        }
        checkValue(value);
        fields.add(new String[] {name, value});
    }

    public void remove(String name) {
        fields.removeIf(field -> field[0].equalsIgnoreCase(name));
    }

    public boolean contains(String name) {
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                return field[1];
            }
        }
        return null;
    }

    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>();
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                values.add(field[1]);
            }
        }
        return values;
    }

    /** Distinct names, in first-set order. */
    public Collection<String> names() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        List<String> lower = new ArrayList<>();
        for (String[] field : fields) {
            String l = field[0].toLowerCase(Locale.ROOT);
            if (!lower.contains(l)) {
                lower.add(l);
                names.add(field[0]);
            }
        }
        return names;
    }

    /** Every field as {name, value}, in order. */
    public List<String[]> fields() {
        return fields;
    }

    /** Whether {@code s} is an RFC 9110 token (5.6.2), as a charset name must be. */
    public static boolean token(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    public void clear() {
        fields.clear();
    }

    /** Refuses (IllegalArgumentException) an empty name or one with a control character, space, ':' or non-ASCII. */
    public static void checkName(String name) {
        if (!CgiResponseHead.legalName(name)) {
            throw new IllegalArgumentException(name == null || name.isEmpty() ? "empty header name"
                    : "illegal character in header name: " + name);
        }
    }

    /** Refuses (IllegalArgumentException) a value holding CR, LF or NUL: it would split the header block. */
    public static void checkValue(String value) {
        if (!CgiResponseHead.legalValue(value)) {
            throw new IllegalArgumentException("CR, LF or NUL in a header value");
        }
    }
}
