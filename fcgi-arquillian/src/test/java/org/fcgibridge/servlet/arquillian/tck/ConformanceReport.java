package org.fcgibridge.servlet.arquillian.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Compares the TCK's results on the reference (plain Jetty) and on both engines, from the surefire reports of the
 * three runs, and writes the table of docs/CONFORMANCE.md. It fails when an engine fails a test that the reference
 * passes and that {@code known-failures.txt} does not list: the TCK guards against regressions. With {@code
 * -Dconformance.update=true} it rewrites docs/CONFORMANCE.md and the list from this run instead.
 */
class ConformanceReport {
    private static final List<String> ENGINES = List.of("standalone", "jetty");
    private static final int REASON_LENGTH = 180;

    enum Outcome { PASSED, FAILED, SKIPPED }

    record Result(Outcome outcome, String reason) {
    }

    @Test
    void enginesPassWhatTheReferencePasses() throws Exception {
        Path reports = Path.of(System.getProperty("tck.reports"));
        Map<String, Result> reference = results(reports.resolve("reference"));
        assertTrue(!reference.isEmpty(), "no TCK results of the reference in " + reports + ": run with -Ptck");
        Map<String, Map<String, Result>> engines = new LinkedHashMap<>();
        for (String engine : ENGINES) {
            engines.put(engine, results(reports.resolve(engine)));
        }
        Path knownFile = Path.of(System.getProperty("conformance.known"));
        Set<String> known = Files.exists(knownFile) ? Files.readAllLines(knownFile).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("# ")).map(String::strip)
                .collect(Collectors.toCollection(TreeSet::new)) : new TreeSet<>();

        Set<String> failing = new TreeSet<>();
        for (String engine : ENGINES) {
            for (String test : reference.keySet()) {
                if (reference.get(test).outcome() == Outcome.PASSED && !passed(engines.get(engine).get(test))) {
                    failing.add(engine + " " + test);
                }
            }
        }
        boolean update = Boolean.getBoolean("conformance.update");
        String table = document(reference, engines, update ? "bash scripts/tck.sh --update"
                : "bash scripts/test.sh` or `bash scripts/tck.sh");
        Path doc = update ? Path.of(System.getProperty("conformance.doc"))
                : reports.resolve("CONFORMANCE.md");
        Set<String> fixed = new TreeSet<>(known);
        fixed.removeAll(failing);
        if (!update && !fixed.isEmpty()) {
            table += "\n## Listed in known-failures.txt, passed in this run (" + fixed.size() + "): take them off "
                    + "the list\n\n" + fixed.stream().map(line -> "- `" + line + "`\n").collect(Collectors.joining());
        }
        Files.writeString(doc, table);
        if (update) {
            Files.writeString(knownFile, "# engine test: failed by an engine, passed by the reference (written by "
                    + "scripts/tck.sh --update; the TCK run fails on any failure not listed)\n"
                    + String.join("\n", failing) + "\n");
            return;
        }
        if (!fixed.isEmpty()) {
            System.out.println("now passing, still listed in " + knownFile + ":\n  " + String.join("\n  ", fixed));
        }
        Set<String> regressions = new TreeSet<>(failing);
        regressions.removeAll(known);
        assertTrue(regressions.isEmpty(), regressions.size() + " TCK tests that the reference passes fail on an "
                + "engine and are not in " + knownFile + " (the table: " + doc + "):\n" + regressions.stream()
                .map(line -> line + ": " + reason(engines.get(line.substring(0, line.indexOf(' ')))
                        .get(line.substring(line.indexOf(' ') + 1))))
                .collect(Collectors.joining("\n")));
    }

    private static boolean passed(Result result) {
        return result != null && result.outcome() == Outcome.PASSED;
    }

    private static String reason(Result result) {
        return result == null ? "not run (its deployment or class failed before it)" : result.reason();
    }

    /** Every test case of the surefire reports in {@code dir}, by {@code class#method}. */
    static Map<String, Result> results(Path dir) throws Exception {
        Map<String, Result> results = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return results;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(file -> file.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
        }
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        for (Path file : files) {
            NodeList cases = factory.newDocumentBuilder().parse(file.toFile()).getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element testcase = (Element) cases.item(i);
                String name = testcase.getAttribute("name").replaceAll("\\(.*\\)$", "");
                results.put(testcase.getAttribute("classname") + "#" + name, result(testcase));
            }
        }
        return results;
    }

    private static Result result(Element testcase) {
        for (String tag : List.of("failure", "error")) {
            NodeList found = testcase.getElementsByTagName(tag);
            if (found.getLength() > 0) {
                Element failure = (Element) found.item(0);
                String message = failure.getAttribute("message");
                if (message.isBlank()) {
                    message = failure.getAttribute("type");
                }
                return new Result(Outcome.FAILED, oneLine(message));
            }
        }
        if (testcase.getElementsByTagName("skipped").getLength() > 0) {
            return new Result(Outcome.SKIPPED, "");
        }
        return new Result(Outcome.PASSED, "");
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s+", " ").replace("|", "\\|");
        return line.length() <= REASON_LENGTH ? line : line.substring(0, REASON_LENGTH) + "...";
    }

    private static String document(Map<String, Result> reference, Map<String, Map<String, Result>> engines,
                                   String command) {
        StringBuilder out = new StringBuilder();
        out.append("# Servlet conformance: the Jakarta Servlet TCK 6.1.2\n\n")
                .append("Written by `").append(command).append("` on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(" (").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append("). `bash scripts/test.sh` runs the same TCK "
                        + "and fails on a test that the reference passes, an engine fails, and "
                        + "`fcgi-arquillian/src/test/tck/known-failures.txt` does not list.\n\n")
                .append("The TCK targets Servlet 6.1; both engines and the reference implement 6.0, so tests of "
                        + "6.1 behaviour fail on all three. The reference is plain Jetty 12.1 ee10 over HTTP, with "
                        + "the JSP engine the Jetty engine ships, the TCK's users, absolute redirects and welcome "
                        + "servlets (docs/arquillian.md); the engines are deployed by the Arquillian adapter "
                        + "(`fcgi-arquillian`) into the launcher and reached through its HTTP front, which forwards "
                        + "every request over a real FastCGI connection. Optional features are declared alike for "
                        + "all three: no cross-context dispatch, no HTTP/2 push.\n\n");
        out.append("| | reference | standalone engine | Jetty engine |\n|---|---:|---:|---:|\n");
        out.append("| tests run | ").append(count(reference, null));
        engines.values().forEach(results -> out.append(" | ").append(count(results, null)));
        out.append(" |\n| passed | ").append(count(reference, Outcome.PASSED));
        engines.values().forEach(results -> out.append(" | ").append(count(results, Outcome.PASSED)));
        out.append(" |\n| of the reference's passes | ").append(count(reference, Outcome.PASSED));
        engines.values().forEach(results -> out.append(" | ").append(reference.entrySet().stream()
                .filter(e -> e.getValue().outcome() == Outcome.PASSED && passed(results.get(e.getKey()))).count()));
        out.append(" |\n\nWhat an engine fails that the reference passes, and the known list names, is what FastCGI "
                + "cannot carry: an application's `status` header read back as the CGI status line "
                + "(getMethodTest), HTTP trailers, and protocol upgrade (no FastCGI web server forwards one; the "
                + "test waits for a connection close the JDK's HTTP server behind the test does not send). Both "
                + "engines run JSP with the Jasper the launcher jar carries, which the TCK's FORM logins (their "
                + "`login.jsp`), its TLD listeners and its JSP welcome file need.\n");
        out.append("\n## By package (passed / run)\n\n| package | reference | standalone | Jetty engine |\n"
                + "|---|---:|---:|---:|\n");
        Map<String, List<String>> packages = new TreeMap<>();
        reference.keySet().forEach(test -> packages.computeIfAbsent(packageOf(test), k -> new ArrayList<>())
                .add(test));
        for (Map.Entry<String, List<String>> pkg : packages.entrySet()) {
            out.append("| ").append(pkg.getKey().replaceFirst("^servlet\\.tck\\.", ""));
            out.append(" | ").append(fraction(reference, pkg.getValue()));
            engines.values().forEach(results -> out.append(" | ").append(fraction(results, pkg.getValue())));
            out.append(" |\n");
        }
        for (Map.Entry<String, Map<String, Result>> engine : engines.entrySet()) {
            List<String> lines = reference.entrySet().stream()
                    .filter(e -> e.getValue().outcome() == Outcome.PASSED && !passed(engine.getValue().get(e.getKey())))
                    .map(e -> "- `" + e.getKey().replaceFirst("^servlet\\.tck\\.", "") + "`: "
                            + reason(engine.getValue().get(e.getKey())))
                    .toList();
            out.append("\n## Passed by the reference, failed by the ").append(engine.getKey())
                    .append(" engine (")
                    .append(lines.size()).append(")\n\n");
            lines.forEach(line -> out.append(line).append('\n'));
        }
        List<String> referenceFails = reference.entrySet().stream()
                .filter(e -> e.getValue().outcome() == Outcome.FAILED)
                .map(e -> "- `" + e.getKey().replaceFirst("^servlet\\.tck\\.", "") + "`: " + e.getValue().reason())
                .toList();
        out.append("\n## Failed by the reference too (Servlet 6.1 behaviour) (").append(referenceFails.size())
                .append(")\n\n");
        referenceFails.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    private static String packageOf(String test) {
        String type = test.substring(0, test.indexOf('#'));
        return type.substring(0, type.lastIndexOf('.'));
    }

    private static long count(Map<String, Result> results, Outcome outcome) {
        return results.values().stream().filter(r -> outcome == null ? r.outcome() != Outcome.SKIPPED
                : r.outcome() == outcome).count();
    }

    private static String fraction(Map<String, Result> results, List<String> tests) {
        long passed = tests.stream().filter(test -> passed(results.get(test))).count();
        return passed + " / " + tests.size();
    }
}
