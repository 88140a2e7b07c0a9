package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.Map;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of Accept-Language ({@link AcceptLanguage}): any header values give locales without throwing, each
 * once, none empty; well-formed entries come back by q-value, highest first, the client's order among equals.
 */
class AcceptLanguageFuzzTest {

    static String headers(Fuzz f) {
        return f.bool() ? f.string(40) : f.joined(List.of("en", "en-US", "de", "*", ",", ";", "q=", "q=0", "q=1",
                "q=0.5", "q=1.5", "q=0.0001", "Q = 0.3", " ", "x-private", "i-klingon", "zh-Hant-TW", "123", "-",
                "en--US", "=", ";q"), 0, 12);
    }

    @Test
    void anyHeaderGivesDistinctLocales() {
        Fuzz.check(f -> anyHeaderGivesDistinctLocales(f.list(3, () -> headers(f))));
    }

    private void anyHeaderGivesDistinctLocales(List<String> headers) {
        List<Locale> locales = AcceptLanguage.locales(headers);
        assertEquals(new HashSet<>(locales).size(), locales.size(), "a locale twice: " + locales);
        for (Locale locale : locales) {
            assertFalse(locale.getLanguage().isEmpty(), locales.toString());
        }
        int entries = headers.stream().mapToInt(h -> h.split(",").length).sum();
        assertTrue(locales.size() <= entries);
    }

    static List<Map.Entry<String, Integer>> entries(Fuzz f) {
        return f.list(8, () -> Map.entry(f.oneOf("en", "en-US", "de", "de-DE", "fr-CA", "ja", "zh-Hant-TW", "pt-BR",
                "es-419", "*"), f.between(-1, 1000))); // -1: no q parameter
    }

    @Test
    void entriesComeBackByQualityInTheClientsOrder() {
        Fuzz.check(f -> entriesComeBackByQualityInTheClientsOrder(entries(f)));
    }

    private void entriesComeBackByQualityInTheClientsOrder(List<Map.Entry<String, Integer>> entries) {
        String header = entries.stream()
                .map(e -> e.getKey() + (e.getValue() < 0 ? "" : ";q=" + qvalue(e.getValue())))
                .collect(Collectors.joining(", "));
        // the model: q=0 and '*' out, a tag's first acceptable entry counts, a stable sort by q
        List<Map.Entry<Locale, Integer>> model = new ArrayList<>();
        for (Map.Entry<String, Integer> e : entries) {
            int weight = e.getValue() < 0 ? 1000 : e.getValue();
            Locale locale = Locale.forLanguageTag(e.getKey());
            if (weight == 0 || e.getKey().equals("*") || model.stream().anyMatch(m -> m.getKey().equals(locale))) {
                continue;
            }
            model.add(Map.entry(locale, weight));
        }
        model.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        assertEquals(model.stream().map(Map.Entry::getKey).collect(Collectors.toList()),
                AcceptLanguage.locales(List.of(header)), header);
    }

    private static String qvalue(int thousandths) {
        return thousandths == 1000 ? "1" : thousandths == 0 ? "0"
                : ("0." + String.format("%03d", thousandths)).replaceAll("0+$", "");
    }
}
