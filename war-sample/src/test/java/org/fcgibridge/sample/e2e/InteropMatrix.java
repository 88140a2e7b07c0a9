package org.fcgibridge.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * Records each web server variant's result for each feature in target/interop/, and rewrites
 * target/interop/matrix.md (server x feature) after each variant: docs/INTEROP.md is written from it. A variant whose
 * web server is not installed is recorded as skipped with the reason, never as passed.
 */
final class InteropMatrix implements TestWatcher, AfterAllCallback {
    private static final Path DIR = Path.of(System.getProperty("interop.dir", "target/interop"));
    private static boolean started;

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, "pass");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, "FAIL: " + firstLine(cause));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        record(context, "skipped: " + firstLine(cause));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        record(context, "skipped: " + reason.orElse("disabled"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Optional<Throwable> failure = context.getExecutionException();
        String variant = variant(context);
        if (failure.isPresent()) {
            String outcome = (failure.get() instanceof TestAbortedException ? "skipped: " : "FAIL: ")
                    + firstLine(failure.get());
            append(variant, "(setup)", outcome);
        }
        writeMatrix();
    }

    private static void record(ExtensionContext context, String outcome) {
        append(variant(context), context.getDisplayName(), outcome);
    }

    private static String variant(ExtensionContext context) {
        return context.getRequiredTestClass().getAnnotation(Variant.class).value();
    }

    private static synchronized void append(String variant, String feature, String outcome) {
        try {
            Files.createDirectories(DIR);
            if (!started) { // a new run: the results of an earlier one go
                Files.deleteIfExists(DIR.resolve("results.tsv"));
                started = true;
            }
            Files.writeString(DIR.resolve("results.tsv"), variant + "\t" + feature + "\t"
                    + outcome.replace('\t', ' ').replace('|', '/') + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized void writeMatrix() throws IOException {
        Map<String, Map<String, String>> byFeature = new LinkedHashMap<>();
        Map<String, String> variants = new TreeMap<>();
        try (Stream<String> lines = Files.lines(DIR.resolve("results.tsv"))) {
            for (String line : (Iterable<String>) lines::iterator) {
                String[] cell = line.split("\t", 3);
                variants.put(cell[0], cell[0]);
                byFeature.computeIfAbsent(cell[1], f -> new LinkedHashMap<>()).put(cell[0], cell[2]);
            }
        }
        List<String> columns = List.copyOf(variants.keySet());
        StringBuilder table = new StringBuilder("| feature | ").append(String.join(" | ", columns)).append(" |\n|---|");
        columns.forEach(c -> table.append("---|"));
        table.append('\n');
        byFeature.forEach((feature, results) -> {
            table.append("| ").append(feature).append(" |");
            for (String column : columns) {
                table.append(' ').append(results.getOrDefault(column, "-")).append(" |");
            }
            table.append('\n');
        });
        Files.writeString(DIR.resolve("matrix.md"), table.toString());
    }

    private static String firstLine(Throwable cause) {
        String message = String.valueOf(cause.getMessage()).replaceFirst("^Assumption failed: ", "");
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
