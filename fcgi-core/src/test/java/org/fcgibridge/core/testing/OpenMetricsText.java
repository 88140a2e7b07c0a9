package org.fcgibridge.core.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A strict parser of the OpenMetrics 1.0 text format (the ABNF of the OpenMetrics specification, section "ABNF"), for
 * tests: no Java parser of the format is at hand (the Prometheus Java client only writes it), so this one checks each
 * line against the grammar and the rules around it, and fails with the line on any departure: every line ends with
 * LF, {@code # EOF} ends the text, a family's HELP and TYPE come before its samples and once, families do not
 * interleave, a counter's samples are named {@code _total} (or {@code _created}), a gauge's are its name, label names
 * are unique in a set, label values and HELP text use only the escapes \\, \" and \n, a label set is not repeated,
 * values are numbers, counters are not negative.
 */
public final class OpenMetricsText {
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "gaugehistogram", "stateset",
            "info", "summary", "unknown");

    /** A metric family: its type, help, and samples. */
    public static final class Family {
        public String type = "unknown";
        public String help;
        public final List<Sample> samples = new ArrayList<>();

        /** The value of the sample named {@code name} with exactly {@code labels}; fails if there is none. */
        public double value(String name, Map<String, String> labels) {
            for (Sample sample : samples) {
                if (sample.name.equals(name) && sample.labels.equals(labels)) {
                    return sample.value;
                }
            }
            throw new AssertionError("no sample " + name + labels + " in " + samples);
        }
    }

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    private OpenMetricsText() {
    }

    /** Parses {@code text}; fails with the offending line. */
    public static Map<String, Family> parse(String text) {
        OpenMetricsText parser = new OpenMetricsText();
        parser.parseAll(text);
        return parser.families;
    }

    private void parseAll(String text) {
        if (!text.endsWith("# EOF\n") && !text.endsWith("# EOF")) {
            throw new AssertionError("the text does not end with # EOF");
        }
        String[] lines = text.split("\n", -1);
        int last = text.endsWith("\n") ? lines.length - 2 : lines.length - 1;
        String current = null;
        Set<String> seenSamples = new java.util.HashSet<>();
        for (int i = 0; i < last; i++) {
            String line = lines[i];
            try {
                if (line.startsWith("#")) {
                    current = metadata(line, current);
                } else {
                    Sample sample = sample(line);
                    String family = familyOf(sample.name());
                    if (current == null || !current.equals(family)) {
                        if (families.containsKey(family)) {
                            throw new AssertionError("family " + family + " interleaved with another");
                        }
                        families.put(family, new Family());
                        current = family;
                    }
                    Family f = families.get(family);
                    checkSampleName(f, family, sample);
                    if (!seenSamples.add(sample.name() + new TreeMap<>(sample.labels()))) {
                        throw new AssertionError("a repeated label set");
                    }
                    f.samples.add(sample);
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("line " + (i + 1) + " \"" + line + "\": " + e.getMessage(), e);
            }
        }
        if (!lines[last].equals("# EOF")) {
            throw new AssertionError("the last line is not # EOF");
        }
    }

    /** The family a sample belongs to: its name, or the name without a suffix of a family declared with it. */
    private String familyOf(String sample) {
        for (String suffix : List.of("_total", "_created", "_count", "_sum", "_bucket", "_gcount", "_gsum", "_info")) {
            if (sample.endsWith(suffix)) {
                String family = sample.substring(0, sample.length() - suffix.length());
                if (families.containsKey(family)) {
                    return family;
                }
            }
        }
        return sample;
    }

    private static void checkSampleName(Family family, String name, Sample sample) {
        if (family.type.equals("counter")) {
            if (!sample.name().equals(name + "_total") && !sample.name().equals(name + "_created")) {
                throw new AssertionError("a counter's sample must be named " + name + "_total");
            }
            if (sample.value() < 0 || Double.isNaN(sample.value())) {
                throw new AssertionError("a counter is not negative");
            }
        } else if (family.type.equals("gauge") && !sample.name().equals(name)) {
            throw new AssertionError("a gauge's sample must be named " + name);
        }
    }

    private String metadata(String line, String current) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 4 || !parts[0].equals("#")) {
            throw new AssertionError("not \"# HELP|TYPE|UNIT name text\"");
        }
        String name = parts[2];
        checkName(name);
        Family family = families.get(name);
        if (family == null) {
            family = new Family();
            families.put(name, family);
        } else if (!name.equals(current)) {
            throw new AssertionError("family " + name + " interleaved with another");
        } else if (!family.samples.isEmpty()) {
            throw new AssertionError("metadata after the family's samples");
        }
        switch (parts[1]) {
            case "HELP":
                if (family.help != null) {
                    throw new AssertionError("a second HELP");
                }
                family.help = unescape(parts[3], false);
                break;
            case "TYPE":
                if (!TYPES.contains(parts[3])) {
                    throw new AssertionError("no such type: " + parts[3]);
                }
                if (!family.samples.isEmpty() || !family.type.equals("unknown")) {
                    throw new AssertionError("TYPE repeated or late");
                }
                family.type = parts[3];
                if (parts[3].equals("counter") && name.endsWith("_total")) {
                    throw new AssertionError("a counter family's name does not end with _total");
                }
                break;
            case "UNIT":
                if (!name.endsWith("_" + parts[3])) {
                    throw new AssertionError("the unit must be the name's suffix");
                }
                break;
            default:
                throw new AssertionError("no such metadata: " + parts[1]);
        }
        return name;
    }

    private static Sample sample(String line) {
        int at = 0;
        while (at < line.length() && line.charAt(at) != '{' && line.charAt(at) != ' ') {
            at++;
        }
        String name = line.substring(0, at);
        checkName(name);
        Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at = labels(line, at + 1, labels);
        }
        if (at >= line.length() || line.charAt(at) != ' ') {
            throw new AssertionError("no single space before the value");
        }
        String[] rest = line.substring(at + 1).split(" ", -1);
        if (rest.length > 2) {
            throw new AssertionError("more than a value and a timestamp");
        }
        double value = number(rest[0]);
        if (rest.length == 2) {
            number(rest[1]);
        }
        return new Sample(name, labels, value);
    }

    /** Parses labels from {@code at} (after '{') to '}' and returns the index after it. */
    private static int labels(String line, int at, Map<String, String> labels) {
        if (at < line.length() && line.charAt(at) == '}') {
            return at + 1;
        }
        while (true) {
            int equals = line.indexOf('=', at);
            if (equals < 0) {
                throw new AssertionError("a label without '='");
            }
            String name = line.substring(at, equals);
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new AssertionError("a bad label name: " + name);
            }
            if (equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
                throw new AssertionError("a label value is quoted");
            }
            StringBuilder raw = new StringBuilder();
            int i = equals + 2;
            for (; i < line.length() && line.charAt(i) != '"'; i++) {
                raw.append(line.charAt(i));
                if (line.charAt(i) == '\\') {
                    if (++i >= line.length()) {
                        throw new AssertionError("a label value ends in a backslash");
                    }
                    raw.append(line.charAt(i));
                }
            }
            if (i >= line.length()) {
                throw new AssertionError("an unterminated label value");
            }
            if (labels.put(name, unescape(raw.toString(), true)) != null) {
                throw new AssertionError("a repeated label name: " + name);
            }
            at = i + 1;
            if (at < line.length() && line.charAt(at) == ',') {
                at++;
                continue;
            }
            if (at < line.length() && line.charAt(at) == '}') {
                return at + 1;
            }
            throw new AssertionError("labels end with '}'");
        }
    }

    private static String unescape(String text, boolean quoted) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                char next = ++i < text.length() ? text.charAt(i) : 0;
                switch (next) {
                    case '\\': out.append('\\'); break;
                    case 'n': out.append('\n'); break;
                    case '"': out.append('"'); break;
                    default: throw new AssertionError("a bad escape \\" + next);
                }
            } else if (c == '"') {
                throw new AssertionError("an unescaped double quote");
            } else if (c == '\n') {
                throw new AssertionError("a raw newline");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void checkName(String name) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new AssertionError("a bad metric name: " + name);
        }
    }

    private static double number(String text) {
        switch (text) {
            case "NaN": return Double.NaN;
            case "+Inf": case "Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            default:
                if (!text.matches("[+-]?[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?|[+-]?\\.[0-9]+([eE][+-]?[0-9]+)?")) {
                    throw new AssertionError("not a number: " + text);
                }
                return Double.parseDouble(text);
        }
    }
}
