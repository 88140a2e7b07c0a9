package org.fcgibridge.servlet.security;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An application's constraints, compiled: for a request's path in the context and its method, the combined
 * {@link Requirement} (Servlet 6.0 sections 13.8.1 to 13.8.4: the best-matching url-pattern, the constraints of
 * that pattern that cover the method, combined; uncovered methods open, or denied with deny-uncovered-http-methods).
 * Immutable.
 *
 * <p>The url-pattern is chosen as a servlet mapping is (section 12.2), among the patterns that have constraints: the
 * exact pattern, else the longest path prefix ({@code /x/*}), else the extension ({@code *.x}), else the default
 * ({@code /}); {@code ""} matches the context root alone. The constraints of other matching patterns do not apply.
 * The constraints of that pattern that cover the method combine: one with an empty auth-constraint denies everyone;
 * else one without auth-constraint lets anyone in; else the user needs one of the roles they name together. A
 * secure connection is required only when every one of them requires it ("NONE" wins: section 13.8.1). Unlike
 * Jetty, which lets a constraint naming the method hide the omissions that also cover it, every constraint covering
 * the method combines, as the example of section 13.8.2 requires.
 */
public final class ConstraintMap {
    private static final System.Logger LOG = System.getLogger(ConstraintMap.class.getName());
    private static final ConstraintMap EMPTY = new ConstraintMap(Map.of(), false);
    /** A method no constraint names: not a token, so no request has it. */
    private static final String OTHER_METHOD = "";

    /** What one url-pattern requires: per method its constraints name, and for any other method. */
    private record Entry(Map<String, Requirement> named, Requirement other) {
        Requirement of(String method) {
            Requirement requirement = named.get(method);
            return requirement != null ? requirement : other;
        }
    }

    private final Map<String, Entry> exact = new HashMap<>();
    /** Path prefixes (a "/x/*" pattern without its "/*"), longest first. */
    private final List<Map.Entry<String, Entry>> prefixes = new ArrayList<>();
    private final Map<String, Entry> extensions = new HashMap<>();
    private final Entry contextRoot;
    private final Entry defaultPattern;
    private final boolean empty;

    private ConstraintMap(Map<String, Entry> byPattern, boolean denyUncovered) {
        Entry root = null;
        Entry fallback = null;
        for (Map.Entry<String, Entry> mapping : byPattern.entrySet()) {
            String pattern = mapping.getKey();
            if (pattern.isEmpty()) {
                root = mapping.getValue();
            } else if (pattern.equals("/")) {
                fallback = mapping.getValue();
            } else if (pattern.startsWith("*.")) {
                extensions.put(pattern.substring(2), mapping.getValue());
            } else if (pattern.endsWith("/*")) {
                prefixes.add(Map.entry(pattern.substring(0, pattern.length() - 2), mapping.getValue()));
            } else {
                exact.put(pattern, mapping.getValue());
            }
        }
        prefixes.sort(Comparator.comparingInt((Map.Entry<String, Entry> e) -> e.getKey().length()).reversed());
        contextRoot = root;
        defaultPattern = fallback;
        empty = byPattern.isEmpty();
    }

    /**
     * Compiles the constraints. Logs (WARNING, once) the url-patterns whose constraints leave HTTP methods uncovered,
     * open to anyone, as Servlet 6.0 section 13.8.4.2 asks, unless {@code denyUncovered}.
     *
     * @param constraints   every constraint of the application, in declaration order
     * @param declaredRoles the application's security-roles; "*" stands for them and for the roles the constraints
     *                      name (as in Jetty and Tomcat, a role named in an auth-constraint counts as declared)
     * @param denyUncovered deny-uncovered-http-methods
     */
    public static ConstraintMap of(List<SecurityConstraint> constraints, Set<String> declaredRoles,
                                   boolean denyUncovered) {
        if (constraints.isEmpty()) {
            return EMPTY;
        }
        Roles roles = new Roles(declaredRoles, constraints);
        Map<String, List<SecurityConstraint>> byPattern = new LinkedHashMap<>();
        for (SecurityConstraint constraint : constraints) {
            for (String pattern : constraint.urlPatterns()) {
                byPattern.computeIfAbsent(pattern, k -> new ArrayList<>()).add(constraint);
            }
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        byPattern.forEach((pattern, list) -> entries.put(pattern, compile(pattern, list, roles, denyUncovered)));
        return new ConstraintMap(entries, denyUncovered);
    }

    /** An application with no constraint. */
    public static ConstraintMap empty() {
        return EMPTY;
    }

    /**
     * What a request for {@code pathInContext} with {@code method} requires.
     *
     * @param pathInContext the decoded path after the context path ("/" or "" for the context root)
     * @param method        the HTTP method, case-sensitive
     */
    public Requirement requirement(String pathInContext, String method) {
        if (empty) {
            return Requirement.NONE; // most applications: nothing to look up on each request
        }
        Entry entry = match(pathInContext);
        return entry == null ? Requirement.NONE : entry.of(method);
    }

    /** Whether no constraint was declared. */
    public boolean isEmpty() {
        return empty;
    }

    private Entry match(String path) {
        if (path.isEmpty() || path.equals("/")) {
            if (contextRoot != null) {
                return contextRoot;
            }
            path = "/";
        }
        Entry found = exact.get(path);
        if (found != null) {
            return found;
        }
        for (Map.Entry<String, Entry> prefix : prefixes) {
            String p = prefix.getKey();
            if (p.isEmpty() || path.equals(p) || path.startsWith(p) && path.charAt(p.length()) == '/') {
                return prefix.getValue();
            }
        }
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot > slash) {
            found = extensions.get(path.substring(dot + 1));
            if (found != null) {
                return found;
            }
        }
        return defaultPattern;
    }

    /**
     * What the constraints of one url-pattern require of each method: those their http-methods and omissions name,
     * and any other (the same for all of them).
     */
    private static Entry compile(String pattern, List<SecurityConstraint> constraints, Roles roles,
                                 boolean denyUncovered) {
        Set<String> mentioned = new TreeSet<>();
        for (SecurityConstraint constraint : constraints) {
            mentioned.addAll(constraint.methods());
            mentioned.addAll(constraint.omittedMethods());
        }
        Requirement uncovered = denyUncovered ? Requirement.DENIED : Requirement.NONE;
        Set<String> open = new TreeSet<>();
        Map<String, Requirement> named = new HashMap<>();
        for (String method : mentioned) {
            Requirement requirement = combine(constraints, method, roles);
            if (requirement == null) {
                open.add(method);
            }
            named.put(method, requirement != null ? requirement : uncovered);
        }
        // a method no constraint of the pattern names: covered by those naming no method, or omitting some
        Requirement other = combine(constraints, OTHER_METHOD, roles);
        if (!denyUncovered && (other == null || !open.isEmpty())) {
            String what = other == null
                    ? "every HTTP method but " + String.join(", ", difference(mentioned, open))
                    : "the HTTP methods " + String.join(", ", open);
            LOG.log(System.Logger.Level.WARNING, "the security constraints on {0} leave {1} uncovered, open to "
                    + "anyone (<deny-uncovered-http-methods/> would deny them)", pattern.isEmpty() ? "\"\"" : pattern,
                    what);
        }
        return new Entry(Map.copyOf(named), other != null ? other : uncovered);
    }

    private static Set<String> difference(Set<String> all, Set<String> less) {
        Set<String> rest = new TreeSet<>(all);
        rest.removeAll(less);
        return rest;
    }

    /**
     * Combines the constraints that cover {@code method} as section 13.8.1 says.
     *
     * @return what they require, or null when none covers the method
     */
    private static Requirement combine(List<SecurityConstraint> constraints, String method, Roles roles) {
        boolean covered = false;
        boolean denied = false;
        boolean open = false;
        boolean confidential = true;
        Set<String> allowed = new HashSet<>();
        for (SecurityConstraint constraint : constraints) {
            if (!covers(constraint, method)) {
                continue;
            }
            covered = true;
            confidential &= constraint.confidential();
            if (constraint.roles() == null) {
                open = true;
            } else if (constraint.roles().isEmpty()) {
                denied = true;
            } else {
                allowed.addAll(constraint.roles());
            }
        }
        if (!covered) {
            return null;
        }
        if (denied) {
            return Requirement.DENIED;
        }
        if (open) {
            return confidential ? new Requirement(false, true, null, false) : Requirement.NONE;
        }
        return roles.resolve(allowed, confidential);
    }

    private static boolean covers(SecurityConstraint constraint, String method) {
        if (!constraint.methods().isEmpty()) {
            return constraint.methods().contains(method);
        }
        return !constraint.omittedMethods().contains(method);
    }

    /** The special role names: "*" (every declared role) and "**" (any authenticated user), unless declared. */
    private static final class Roles {
        private final Set<String> known = new HashSet<>();
        private final boolean starDeclared;
        private final boolean anyUserDeclared;

        Roles(Set<String> declared, List<SecurityConstraint> constraints) {
            starDeclared = declared.contains("*");
            anyUserDeclared = declared.contains("**");
            known.addAll(declared);
            for (SecurityConstraint constraint : constraints) {
                if (constraint.roles() != null) {
                    known.addAll(constraint.roles());
                }
            }
            if (!starDeclared) {
                known.remove("*");
            }
            if (!anyUserDeclared) {
                known.remove("**");
            }
        }

        Requirement resolve(Set<String> allowed, boolean confidential) {
            Set<String> names = new HashSet<>(allowed);
            boolean anyUser = !anyUserDeclared && names.remove("**");
            if (!starDeclared && names.remove("*")) {
                names.addAll(known);
            }
            return new Requirement(false, confidential, names, anyUser);
        }
    }
}
