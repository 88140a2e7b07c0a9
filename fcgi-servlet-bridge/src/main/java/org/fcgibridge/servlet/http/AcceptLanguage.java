package org.fcgibridge.servlet.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The locales of Accept-Language headers (RFC 9110 12.5.4), as containers give them: each language tag once, in
 * the order of its q-value (highest first; equal q-values keep the client's order), without those of q=0 and
 * without the wildcard. Unlike {@link Locale.LanguageRange#parse}, it adds no equivalents the client did not send
 * (de-DE stays de-DE, not also de-DD).
 */
public final class AcceptLanguage {
    private AcceptLanguage() {
    }

    /** The locales the header values ask for, best first; empty when they name none. */
    public static List<Locale> locales(List<String> headers) {
        List<Locale> locales = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        for (String header : headers) {
            for (String entry : header.split(",")) {
                int semicolon = entry.indexOf(';');
                String tag = (semicolon < 0 ? entry : entry.substring(0, semicolon)).trim();
                int weight = semicolon < 0 ? 1000 : weight(entry.substring(semicolon + 1));
                if (weight <= 0 || tag.isEmpty() || tag.equals("*")) {
                    continue;
                }
                Locale locale = Locale.forLanguageTag(tag);
                if (locale.getLanguage().isEmpty() || locales.contains(locale)) {
                    continue; // not a well-formed tag, or said twice
                }
                int at = locales.size();
                while (at > 0 && weights.get(at - 1) < weight) {
                    at--; // after every entry of the same or a higher q: a stable order
                }
                locales.add(at, locale);
                weights.add(at, weight);
            }
        }
        return locales;
    }

    /** A q-value of the parameters "q=0.5" in thousandths; 0 when malformed (such an entry is dropped). */
    private static int weight(String parameters) {
        for (String parameter : parameters.split(";")) {
            String trimmed = parameter.trim();
            if (trimmed.length() < 2 || (trimmed.charAt(0) != 'q' && trimmed.charAt(0) != 'Q')) {
                continue;
            }
            String value = trimmed.substring(1).trim();
            if (!value.startsWith("=")) {
                continue;
            }
            return qvalue(value.substring(1).trim());
        }
        return 1000;
    }

    /** RFC 9110's qvalue: "0" or "1", with up to three decimals, "1" only with zeros. */
    private static int qvalue(String value) {
        if (value.isEmpty() || value.length() > 5 || (value.charAt(0) != '0' && value.charAt(0) != '1')
                || (value.length() > 1 && value.charAt(1) != '.')) {
            return 0;
        }
        int thousandths = 0;
        int scale = 100;
        for (int i = 2; i < value.length(); i++, scale /= 10) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            thousandths += (c - '0') * scale;
        }
        return value.charAt(0) == '1' ? (thousandths == 0 ? 1000 : 0) : thousandths;
    }
}
