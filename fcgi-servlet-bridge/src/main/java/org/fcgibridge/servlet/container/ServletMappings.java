package org.fcgibridge.servlet.container;

import jakarta.servlet.http.MappingMatch;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * URL patterns to servlets, with the precedence of Servlet 6.0 section 12.2: an exact match, then the longest path
 * prefix ({@code /foo/*}), then an extension ({@code *.jsp}), then the default servlet ({@code /}); {@code ""} maps
 * the context root alone. A pattern may be mapped once by the application; the container's own servlets (the default
 * servlet at {@code /}, the JSP servlet at {@code *.jsp}) are fallbacks that an application mapping replaces, as
 * Servlet 6.0 section 12.2 says of {@code /}.
 */
public final class ServletMappings {
    private final Map<String, ServletHolder> exact = new ConcurrentHashMap<>();
    /** Prefixes without the trailing "/*", longest first. */
    private final TreeMap<String, ServletHolder> prefixes = new TreeMap<>((a, b) -> a.length() != b.length()
            ? Integer.compare(b.length(), a.length()) : a.compareTo(b));
    private final Map<String, ServletHolder> extensions = new HashMap<>();
    private volatile ServletHolder defaultServlet;
    private volatile ServletHolder contextRoot;
    private final Map<String, ServletHolder> byPattern = new ConcurrentHashMap<>();
    /** Patterns held by a container fallback, which the application's own mapping of the pattern replaces. */
    private final Set<String> fallbacks = ConcurrentHashMap.newKeySet();

    /**
     * Maps {@code pattern} to {@code holder}.
     *
     * @return false if another servlet of the application already has the pattern (a container fallback is replaced)
     * @throws IllegalArgumentException if the pattern is not a valid servlet url-pattern
     */
    public synchronized boolean add(String pattern, ServletHolder holder) {
        validate(pattern);
        if (byPattern.containsKey(pattern) && !fallbacks.contains(pattern)) {
            return byPattern.get(pattern) == holder;
        }
        fallbacks.remove(pattern);
        put(pattern, holder);
        return true;
    }

    /**
     * Maps {@code pattern} to a container servlet unless the application maps it, now or later: an application
     * mapping of the same pattern replaces it.
     *
     * @return false if the application already maps the pattern
     */
    public synchronized boolean addFallback(String pattern, ServletHolder holder) {
        validate(pattern);
        if (byPattern.containsKey(pattern)) {
            return false;
        }
        fallbacks.add(pattern);
        put(pattern, holder);
        return true;
    }

    private void put(String pattern, ServletHolder holder) {
        byPattern.put(pattern, holder);
        if (pattern.isEmpty()) {
            contextRoot = holder;
        } else if (pattern.equals("/")) {
            defaultServlet = holder;
        } else if (pattern.startsWith("*.")) {
            extensions.put(pattern.substring(2), holder);
        } else if (pattern.endsWith("/*")) {
            prefixes.put(pattern.substring(0, pattern.length() - 2), holder);
        } else {
            exact.put(pattern, holder);
        }
    }

    /** The servlet the application mapped to exactly this pattern, or null (a container fallback is not one). */
    public ServletHolder holderOf(String pattern) {
        return fallbacks.contains(pattern) ? null : byPattern.get(pattern);
    }

    /** Whether {@code pattern} is held by a container fallback rather than by the application. */
    public boolean isFallback(String pattern) {
        return fallbacks.contains(pattern);
    }

    /** Whether a default servlet ("/") is mapped, the application's or the container's. */
    public boolean hasDefault() {
        return defaultServlet != null;
    }

    /** Throws if {@code pattern} is not a servlet url-pattern. */
    public static void validate(String pattern) {
        if (pattern == null) {
            throw new IllegalArgumentException("null url-pattern");
        }
        if (pattern.isEmpty() || pattern.equals("/")) {
            return;
        }
        if (pattern.startsWith("*.")) {
            if (pattern.indexOf('/') >= 0 || pattern.length() == 2 || pattern.indexOf('*', 1) >= 0) {
                throw new IllegalArgumentException("bad extension url-pattern: " + pattern);
            }
            return;
        }
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a url-pattern starts with '/' or '*.': " + pattern);
        }
        // any other pattern is an exact match (Servlet 6.0 section 12.2), "/On*" too, as in Jetty, which refuses a
        // '*' anywhere but at the end
        int star = pattern.indexOf('*');
        if (star >= 0 && star != pattern.length() - 1) {
            throw new IllegalArgumentException("'*' is only allowed at the end: " + pattern);
        }
    }

    /**
     * Maps a decoded path (relative to the context) to a servlet.
     *
     * @return the match, or null when nothing matches (no default servlet)
     */
    public PathMatch match(String path) {
        if (path.isEmpty() || path.equals("/")) {
            ServletHolder root = contextRoot;
            if (root != null) {
                return new PathMatch(root, "", "/", MappingMatch.CONTEXT_ROOT, "", "");
            }
            if (path.isEmpty()) {
                path = "/";
            }
        }
        ServletHolder holder = exact.get(path);
        if (holder != null) {
            return new PathMatch(holder, path, null, MappingMatch.EXACT, path, path.substring(1));
        }
        synchronized (this) {
            for (Map.Entry<String, ServletHolder> prefix : prefixes.entrySet()) {
                String p = prefix.getKey();
                if (p.isEmpty() || path.equals(p) || path.startsWith(p) && path.charAt(p.length()) == '/') {
                    String info = path.length() > p.length() ? path.substring(p.length()) : null;
                    // the match value is what the '*' matched (Servlet 6.0 HttpServletMapping#getMatchValue)
                    return new PathMatch(prefix.getValue(), p, info, MappingMatch.PATH, p + "/*",
                            info == null ? "" : info.substring(1));
                }
            }
            int slash = path.lastIndexOf('/');
            int dot = path.lastIndexOf('.');
            if (dot > slash) {
                ServletHolder byExtension = extensions.get(path.substring(dot + 1));
                if (byExtension != null) {
                    return new PathMatch(byExtension, path, null, MappingMatch.EXTENSION, "*." + path.substring(dot + 1),
                            path.substring(1, dot));
                }
            }
        }
        ServletHolder fallback = defaultServlet;
        if (fallback != null) {
            return new PathMatch(fallback, path, null, MappingMatch.DEFAULT, "/", "");
        }
        return null;
    }

    /** Whether {@code pattern} (a url-pattern) matches {@code path}, as for filter mappings. */
    public static boolean patternMatches(String pattern, String path) {
        if (pattern.equals("/*") || pattern.equals("/")) {
            return true;
        }
        if (pattern.isEmpty()) {
            return path.equals("/") || path.isEmpty();
        }
        if (pattern.startsWith("*.")) {
            int slash = path.lastIndexOf('/');
            int dot = path.lastIndexOf('.');
            return dot > slash && path.substring(dot + 1).equals(pattern.substring(2));
        }
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
        return pattern.equals(path);
    }

    /** Every mapped pattern of {@code holder}. */
    public synchronized java.util.List<String> patternsOf(ServletHolder holder) {
        java.util.List<String> patterns = new java.util.ArrayList<>();
        byPattern.forEach((pattern, h) -> {
            if (h == holder) {
                patterns.add(pattern);
            }
        });
        return patterns;
    }
}
