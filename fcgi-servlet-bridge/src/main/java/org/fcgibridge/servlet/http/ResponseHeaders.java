package org.fcgibridge.servlet.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A response's header fields in the order they were set: set replaces every field of that name (in the first one's
 * place), add appends. Names compare without case. Names and values that hold CR, LF or NUL are refused (they would
 * split the header block: response splitting).
 */
public final class ResponseHeaders {
    /**
     * Names that never go into the CGI header block. {@code Status} is the CGI response's status line (RFC 3875
     * 6.3.3): every web server takes it as the status, so an application's header of that name would replace (or,
     * malformed, break) the status the servlet set. The hop-by-hop headers describe a connection the application does
     * not have: the web server frames the client's response itself.
     */
    private static final Set<String> NOT_SENT = Set.of("status", "connection", "keep-alive", "transfer-encoding",
            "upgrade", "proxy-connection", "te", "trailer");

    private final List<String[]> fields = new ArrayList<>();

    /** Whether an application's header named {@code name} is sent in the CGI response (see {@link #NOT_SENT}). */
    public static boolean sent(String name) {
        return !NOT_SENT.contains(name.toLowerCase(Locale.ROOT));
    }

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

    public void clear() {
        fields.clear();
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || c == ':') {
                throw new IllegalArgumentException("illegal character in header name: " + name);
            }
        }
    }

    static void checkValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("CR, LF or NUL in a header value");
            }
        }
    }
}
