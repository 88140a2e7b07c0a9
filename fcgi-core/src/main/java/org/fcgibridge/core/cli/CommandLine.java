package org.fcgibridge.core.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Options of the form {@code --name value}, {@code --name=value} and {@code --flag}, each name known in advance;
 * an option given twice keeps every value. Everything else is an error.
 */
final class CommandLine {
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    /**
     * @param withValue names of options that take a value
     * @param flags     names of options that take none
     * @throws UsageException if an argument is unknown or a value is missing
     */
    CommandLine(String[] args, int from, Set<String> withValue, Set<String> flags) throws UsageException {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                value = "true";
            } else if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
            } else {
                throw new UsageException("unknown option: --" + name);
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
    }

    /** The last value of {@code name}, or {@code fallback}. */
    String get(String name, String fallback) {
        List<String> all = values.get(name);
        return all == null ? fallback : all.get(all.size() - 1);
    }

    /** Every value of {@code name}, in order. */
    List<String> getAll(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * @throws UsageException if the value is not a positive integer
     */
    int positiveInt(String name, int fallback) throws UsageException {
        String value = get(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new UsageException("--" + name + " must be positive: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is not a number: " + value);
        }
    }

    /**
     * @throws UsageException if the value is not a non-negative number of seconds
     */
    java.time.Duration seconds(String name, java.time.Duration fallback) throws UsageException {
        String value = get(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            double s = Double.parseDouble(value);
            if (s < 0 || Double.isNaN(s) || Double.isInfinite(s)) {
                throw new UsageException("--" + name + " must be zero or more seconds: " + value);
            }
            return java.time.Duration.ofMillis(Math.round(s * 1000));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is not a number of seconds: " + value);
        }
    }

    /** A mistake on the command line: printed with the usage, exit status 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
