package org.fcgibridge.servlet.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.fcgibridge.core.testing.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * Property tests of request path canonicalization ({@link UriPath}): a canonical path never climbs above the root,
 * holds no dot segment, empty segment or control character, and no encoded or parameterised dot segment, encoded
 * '/', '\' or NUL gets through; canonicalizing is a fixed point on canonical paths and agrees with
 * {@link UriPath#encodePath}.
 */
class UriPathFuzzTest {

    private static final List<String> SEGMENTS = List.of("a", "b", "WEB-INF", ".", "..", "...", "", "%2e", "%2E",
            ".%2e", "%2e.", "%2e%2e", "%2E%2E", "..;x", ".;x", "a;b=c", ";", "%2f", "%2F", "%5c", "%5C", "%00", "%",
            "%2", "%zz", "%41", "%25", "%252e", "%3b", "%3B", "\u00e9", "%c3%a9", "%c3", "%ff", "%e2%82", "%c0%ae",
            "\u0001", "%0a", "%7f", "a b", "\\", "..\\", "%u002e", "+");

    /** Raw paths made of the segments that matter: dots in every disguise, encoded separators, parameters. */
    static String rawPaths(Fuzz f) {
        switch (f.between(0, 2)) {
            case 0:
                return "/" + String.join("/", f.list(8, () -> segment(f)));
            case 1:
                return String.join("/", f.list(8, () -> segment(f)));
            default:
                return f.string(30);
        }
    }

    private static String segment(Fuzz f) {
        return f.bool() ? f.oneOf(SEGMENTS) : f.string(4);
    }

    @Test
    void aCanonicalPathNeverLeavesTheRootOrHoldsADotSegment() {
        Fuzz.check(f -> aCanonicalPathNeverLeavesTheRootOrHoldsADotSegment(rawPaths(f)));
    }

    private void aCanonicalPathNeverLeavesTheRootOrHoldsADotSegment(String raw) {
        String path;
        try {
            path = UriPath.canonicalize(raw);
        } catch (BadRequestException refused) {
            return;
        }
        assertTrue(path.startsWith("/"), path);
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            assertFalse(segments[i].equals(".") || segments[i].equals(".."), "a dot segment in " + path);
            assertFalse(segments[i].isEmpty() && i < segments.length - 1, "an empty segment in " + path);
        }
        for (char c : path.toCharArray()) {
            assertFalse(c < 0x20 || c == 0x7F, "a control character in " + path);
        }
        // a '\\' is a plain character on the systems served (a file name may hold one); decoded from %5C, never
        assertTrue(path.indexOf('\\') < 0 || raw.indexOf('\\') >= 0, "a backslash decoded into " + path);
        assertEquals(expectedDepthOrRefusal(raw), depth(path), raw + " -> " + path);
    }

    /**
     * The depth a path without encoded or parameterised dots ends at, as dot segments resolve (RFC 3986 5.2.4), and
     * never below the root: a model of what canonicalize must do.
     */
    private static int expectedDepthOrRefusal(String raw) {
        List<String> stack = new ArrayList<>();
        String[] segments = raw.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            int semicolon = s.indexOf(';');
            String bare = semicolon >= 0 ? s.substring(0, semicolon) : s;
            boolean last = i == segments.length - 1;
            if (bare.equals("..")) {
                assertFalse(stack.isEmpty(), "climbed above the root: " + raw);
                stack.remove(stack.size() - 1);
                if (last) {
                    stack.add("");
                }
            } else if (bare.equals(".")) {
                if (last) {
                    stack.add("");
                }
            } else {
                stack.add(bare);
            }
        }
        return stack.size();
    }

    private static int depth(String path) {
        return path.equals("/") ? 1 : path.substring(1).split("/", -1).length;
    }

    @Test
    void climbingAboveTheRootIsRefused() {
        Fuzz.check(f -> climbingAboveTheRootIsRefused(climbs(f)));
    }

    private void climbingAboveTheRootIsRefused(String raw) {
        assertThrows(BadRequestException.class, () -> UriPath.canonicalize(raw));
    }

    static String climbs(Fuzz f) {
        // k segments down, then k+1 up (some of them disguised), then anything
        int k = f.between(0, 4);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < k; i++) {
            b.append("/d").append(i);
        }
        for (int i = 0; i <= k; i++) {
            b.append('/').append(f.oneOf("..", "%2e%2e", ".%2e", "..;x"));
        }
        String tail = rawPaths(f);
        return b + (tail.startsWith("/") ? tail : "/" + tail);
    }

    @Test
    void encodedSeparatorsAndDotsAreRefusedWherever() {
        Fuzz.check(f -> encodedSeparatorsAndDotsAreRefusedWherever(rawPaths(f), sneaky(f), rawPaths(f)));
    }

    private void encodedSeparatorsAndDotsAreRefusedWherever(String prefix, String sneaky, String suffix) {
        String raw = "/a" + (prefix.startsWith("/") ? prefix : "/" + prefix) + "/" + sneaky
                + (suffix.startsWith("/") ? suffix : "/" + suffix);
        assertThrows(BadRequestException.class, () -> UriPath.canonicalize(raw));
    }

    static String sneaky(Fuzz f) {
        return f.oneOf("%2f", "x%2Fy", "%5c", "a%5Cb", "%00", "x%00", "%2e", "%2e%2e", ".%2E", "..;p", ".;p",
                "%0d", "%0a", "\r", "\n", "%7F", "%", "%g0", "%c3", "%c0%ae%c0%ae");
    }

    /** A canonical path is a fixed point (where it has no '%' to decode again nor ';' to cut). */
    @Test
    void canonicalizingACanonicalPathChangesNothing() {
        Fuzz.check(f -> canonicalizingACanonicalPathChangesNothing(rawPaths(f)));
    }

    private void canonicalizingACanonicalPathChangesNothing(String raw) throws BadRequestException {
        String path;
        try {
            path = UriPath.canonicalize(raw);
        } catch (BadRequestException refused) {
            return;
        }
        if (path.indexOf('%') < 0 && path.indexOf(';') < 0) {
            assertEquals(path, UriPath.canonicalize(path));
        }
        // and encoded again, it decodes to itself: the raw URI a container gives back names the same resource
        // (but for ';', which encodePath keeps as a path parameter's start, and '\\', which it encodes and
        // canonicalize then refuses as an encoded separator)
        if (path.indexOf(';') < 0 && path.indexOf('\\') < 0) {
            assertEquals(path, UriPath.canonicalize(UriPath.encodePath(path)));
        }
    }

    @Test
    void anyTextEncodesToSafeCharactersOnly() {
        Fuzz.check(f -> anyTextEncodesToSafeCharactersOnly(f.string(40)));
    }

    private void anyTextEncodesToSafeCharactersOnly(String decoded) {
        String encoded = UriPath.encodePath(decoded);
        for (char c : encoded.toCharArray()) {
            assertTrue(c > 0x20 && c < 0x7F && c != '%' || c == '%', "unsafe " + (int) c + " in " + encoded);
            assertFalse(c == '?' || c == '#' || c == '"' || c == '<' || c == '>' || c == '\\', encoded);
        }
    }
}
