package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.Size;

/**
 * Property tests of Accept-Language ({@link AcceptLanguage}): any header values give locales without throwing, each
 * once, none empty; well-formed entries come back by q-value, highest first, the client's order among equals.
 */
class AcceptLanguageFuzzTest {

    @Provide
    Arbitrary<String> headers() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("en", "en-US", "de", "*", ",", ";", "q=", "q=0", "q=1", "q=0.5", "q=1.5", "q=0.0001",
                        "Q = 0.3", " ", "x-private", "i-klingon", "zh-Hant-TW", "123", "-", "en--US", "=", ";q")
                        .list().ofMaxSize(12).map(l -> String.join("", l)));
    }

    @Property
    void anyHeaderGivesDistinctLocales(@ForAll @Size(max = 3) List<@net.jqwik.api.From("headers") String> headers) {
        List<Locale> locales = AcceptLanguage.locales(headers);
        assertEquals(new HashSet<>(locales).size(), locales.size(), "a locale twice: " + locales);
        for (Locale locale : locales) {
            assertFalse(locale.getLanguage().isEmpty(), locales.toString());
        }
        int entries = headers.stream().mapToInt(h -> h.split(",").length).sum();
        assertTrue(locales.size() <= entries);
    }

    @Provide
    Arbitrary<List<Tuple2<String, Integer>>> entries() {
        Arbitrary<String> tag = Arbitraries.of("en", "en-US", "de", "de-DE", "fr-CA", "ja", "zh-Hant-TW", "pt-BR",
                "es-419", "*");
        Arbitrary<Integer> q = Arbitraries.integers().between(-1, 1000); // -1: no q parameter
        return Combinators.combine(tag, q).as(Tuple::of).list().ofMaxSize(8);
    }

    @Property
    void entriesComeBackByQualityInTheClientsOrder(@ForAll("entries") List<Tuple2<String, Integer>> entries) {
        String header = entries.stream()
                .map(e -> e.get1() + (e.get2() < 0 ? "" : ";q=" + qvalue(e.get2())))
                .collect(Collectors.joining(", "));
        // the model: q=0 and '*' out, a tag's first acceptable entry counts, a stable sort by q
        List<Tuple2<Locale, Integer>> model = new ArrayList<>();
        for (Tuple2<String, Integer> e : entries) {
            int weight = e.get2() < 0 ? 1000 : e.get2();
            Locale locale = Locale.forLanguageTag(e.get1());
            if (weight == 0 || e.get1().equals("*") || model.stream().anyMatch(m -> m.get1().equals(locale))) {
                continue;
            }
            model.add(Tuple.of(locale, weight));
        }
        model.sort((a, b) -> Integer.compare(b.get2(), a.get2()));
        assertEquals(model.stream().map(Tuple2::get1).collect(Collectors.toList()),
                AcceptLanguage.locales(List.of(header)), header);
    }

    private static String qvalue(int thousandths) {
        return thousandths == 1000 ? "1" : thousandths == 0 ? "0"
                : ("0." + String.format("%03d", thousandths)).replaceAll("0+$", "");
    }
}
