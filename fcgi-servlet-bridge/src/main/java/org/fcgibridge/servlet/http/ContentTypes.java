package org.fcgibridge.servlet.http;

import java.util.Locale;

/** Splitting and joining media types with their charset parameter. */
public final class ContentTypes {
    private ContentTypes() {
    }

    /** The charset parameter of a media type, unquoted, or null. */
    public static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                String value = p.substring(8).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    /** The media type without its charset parameter (other parameters stay). */
    public static String withoutCharset(String contentType) {
        if (contentType == null) {
            return null;
        }
        if (charsetOf(contentType) == null && !contentType.toLowerCase(Locale.ROOT).contains("charset=")) {
            return contentType; // nothing to take out: the application's text stays as written
        }
        StringBuilder out = new StringBuilder();
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                continue;
            }
            if (out.length() > 0) {
                out.append(';');
            }
            out.append(p);
        }
        return out.toString();
    }

    /** The media type's type/subtype, lower-cased. */
    public static String mimeOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
