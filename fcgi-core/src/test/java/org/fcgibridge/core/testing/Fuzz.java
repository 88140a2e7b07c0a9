package org.fcgibridge.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Generated inputs for property tests, JDK only: a property is a plain JUnit test that calls {@link #check} and
 * draws its inputs from the {@code Fuzz} it is given, once per try.
 *
 * <p>{@code -Dfuzz.tries=N} sets the tries per property (default {@value #DEFAULT_TRIES}; scripts/fuzz.sh for long
 * runs), {@code -Dfuzz.seed=S} the seed (default {@value #DEFAULT_SEED}, so every build tries the same inputs),
 * {@code -Dfuzz.try=I} runs try I alone, and {@code -Dfuzz.report=true} prints a line per property with its tries.
 * Each try draws from its own generator, derived from the seed and the try's index: a failure names both, and
 * {@code -Dfuzz.seed=S -Dfuzz.try=I} replays exactly that input. Nothing is shrunk. Generators lean to the edges
 * (bounds, empty) now and then, where parsers tend to break.
 */
public final class Fuzz {
    public static final int DEFAULT_TRIES = 1000;
    public static final long DEFAULT_SEED = 20261206L;
    private static final int[] INT_EDGES = {0, 1, -1, 2, 127, 128, 255, 256, 0xFFFF, 0x10000, Integer.MAX_VALUE,
            Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1};

    private final SplittableRandom random;

    private Fuzz(SplittableRandom random) {
        this.random = random;
    }

    /** A property: draws its inputs from {@code fuzz} and asserts; throws to fail. */
    @FunctionalInterface
    public interface Property {
        void check(Fuzz fuzz) throws Exception;
    }

    /** The tries per property: {@code -Dfuzz.tries}, else {@value #DEFAULT_TRIES}. */
    public static int tries() {
        return Integer.getInteger("fuzz.tries", DEFAULT_TRIES);
    }

    /** The seed: {@code -Dfuzz.seed}, else {@value #DEFAULT_SEED}. */
    public static long seed() {
        return Long.getLong("fuzz.seed", DEFAULT_SEED);
    }

    /** Runs {@code property} {@link #tries()} times. */
    public static void check(Property property) {
        check(tries(), property);
    }

    /**
     * Runs {@code property} {@code tries} times (a property whose every try is costly sets its own number, which
     * {@code -Dfuzz.tries} does not change), each with its own generator; a failure is an AssertionError that names
     * the seed and the try, caused by what the property threw.
     */
    public static void check(int tries, Property property) {
        long seed = seed();
        Integer only = Integer.getInteger("fuzz.try");
        int done = 0;
        for (int i = only == null ? 0 : only; i < (only == null ? tries : only + 1); i++) {
            try {
                property.check(new Fuzz(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i)));
            } catch (Throwable failure) {
                throw new AssertionError("failed at try " + i + " of " + tries + " with seed " + seed
                        + " (replay: -Dfuzz.seed=" + seed + " -Dfuzz.try=" + i + "): " + failure, failure);
            }
            done++;
        }
        if (Boolean.getBoolean("fuzz.report")) {
            // one line per property for scripts/fuzz.sh: the test method that called check, and its inputs
            StackWalker.StackFrame caller = StackWalker.getInstance().walk(frames -> frames
                    .filter(f -> !f.getClassName().equals(Fuzz.class.getName())).findFirst().orElseThrow());
            String test = caller.getClassName().substring(caller.getClassName().lastIndexOf('.') + 1);
            System.out.println("fuzz: " + test + "." + caller.getMethodName() + " tries = " + done + " seed = " + seed);
        }
    }

    /** True one time in {@code n}. */
    public boolean oneIn(int n) {
        return random.nextInt(n) == 0;
    }

    public boolean bool() {
        return random.nextBoolean();
    }

    /** Any int, the edges of the int and byte-length ranges often. */
    public int anyInt() {
        return oneIn(8) ? INT_EDGES[random.nextInt(INT_EDGES.length)] : random.nextInt();
    }

    /** An int from {@code min} to {@code max}, both included; one of them one time in 16. */
    public int between(int min, int max) {
        if (oneIn(16)) {
            return bool() ? min : max;
        }
        return (int) between((long) min, (long) max);
    }

    /** A long from {@code min} to {@code max}, both included; one of them one time in 16. */
    public long between(long min, long max) {
        if (oneIn(16)) {
            return bool() ? min : max;
        }
        return max == Long.MAX_VALUE ? random.nextLong(min - 1, max) + 1 : random.nextLong(min, max + 1);
    }

    /** An index drawn by weight: {@code weighted(8, 1)} is 0 eight times in nine. */
    public int weighted(int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; ; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
    }

    /** A size from {@code min} to {@code max}, smaller more often than not. */
    public int size(int min, int max) {
        if (oneIn(10)) {
            return bool() ? min : max;
        }
        // half the time from the first tenth of a long range: short inputs mostly, the long ones less often
        int top = max - min > 20 && bool() ? min + (max - min) / 10 : max;
        return min + random.nextInt(top - min + 1);
    }

    /** Any bytes, {@code min} to {@code max} of them. */
    public byte[] bytes(int min, int max) {
        byte[] bytes = new byte[size(min, max)];
        random.nextBytes(bytes);
        return bytes;
    }

    public byte[] bytes(int max) {
        return bytes(0, max);
    }

    /** Bytes from {@code alphabet} only (or, one time in {@code anyByteOneIn}, any byte; 0 never). */
    public byte[] bytesOf(byte[] alphabet, int anyByteOneIn, int max) {
        byte[] bytes = new byte[size(0, max)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = anyByteOneIn > 0 && oneIn(anyByteOneIn) ? (byte) random.nextInt(256)
                    : alphabet[random.nextInt(alphabet.length)];
        }
        return bytes;
    }

    /**
     * A char: ASCII mostly, then Latin-1, then the rest of the BMP but for surrogates, private use characters and
     * noncharacters (text as a peer's bytes decode to; a lone surrogate a generator wants it names).
     */
    public char anyChar() {
        switch (weighted(6, 2, 2)) {
            case 0:
                return (char) random.nextInt(0x80);
            case 1:
                return (char) random.nextInt(0x100);
            default:
                while (true) {
                    char c = (char) random.nextInt(0x10000);
                    boolean excluded = c >= 0xD800 && c <= 0xF8FF || c >= 0xFDD0 && c <= 0xFDEF || c >= 0xFFFE;
                    if (!excluded) {
                        return c;
                    }
                }
        }
    }

    /** Any text, up to {@code max} chars. */
    public String string(int max) {
        StringBuilder s = new StringBuilder();
        for (int n = size(0, max); n > 0; n--) {
            s.append(anyChar());
        }
        return s.toString();
    }

    /** Text of the characters of {@code alphabet} only, {@code min} to {@code max} of them. */
    public String string(String alphabet, int min, int max) {
        StringBuilder s = new StringBuilder();
        for (int n = size(min, max); n > 0; n--) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** One of {@code values}. */
    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** {@code min} to {@code max} elements, each drawn from {@code element}. */
    public <T> List<T> list(int min, int max, Supplier<T> element) {
        List<T> list = new ArrayList<>();
        for (int n = size(min, max); n > 0; n--) {
            list.add(element.get());
        }
        return list;
    }

    public <T> List<T> list(int max, Supplier<T> element) {
        return list(0, max, element);
    }

    /** {@code max} or fewer of {@code pieces} (or, one time in {@code anyCharOneIn}, any char) joined. */
    public String joined(List<String> pieces, int anyCharOneIn, int max) {
        StringBuilder s = new StringBuilder();
        for (int n = size(0, max); n > 0; n--) {
            s.append(anyCharOneIn > 0 && oneIn(anyCharOneIn) ? String.valueOf(anyChar()) : oneOf(pieces));
        }
        return s.toString();
    }
}
